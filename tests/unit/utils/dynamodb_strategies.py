"""Hypothesis strategies for DynamoDB items and their attribute maps (DynamoDB JSON)."""

from __future__ import annotations

import base64
from decimal import Decimal

from hypothesis import strategies as st

from lambda_stream.core.json import JsonValue, decimal_text
from lambda_stream.utils.dynamodb import Base64

# DynamoDB numbers: 38 significant digits, magnitudes from 1e-130 to 1e126
integers = st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1)
# built from digits and a scale: st.decimals() is four times slower to draw
fractions = st.builds(
    lambda digits, scale: Decimal(digits).scaleb(-scale), integers, st.integers(1, 40)
).filter(lambda number: number != number.to_integral_value())
numbers = st.one_of(integers, fractions)
binaries = st.binary(max_size=12).map(lambda raw: Base64(base64.b64encode(raw).decode("ascii")))
names = st.text(max_size=6)
strings = st.text(max_size=10)


def number_text(number: int | Decimal) -> str:
    """The canonical text of a DynamoDB number, as marshall writes it."""
    return str(number) if isinstance(number, int) else decimal_text(number)


# -- plain values (what unmarshall returns) -----------------------------------------------

scalars: st.SearchStrategy[JsonValue] = st.one_of(
    st.none(), st.booleans(), strings, numbers, binaries
)
sets: st.SearchStrategy[JsonValue] = st.one_of(
    st.frozensets(strings, min_size=1, max_size=4),
    st.frozensets(numbers, min_size=1, max_size=4),
    st.frozensets(binaries, min_size=1, max_size=4),
)
values: st.SearchStrategy[JsonValue] = st.recursive(
    st.one_of(scalars, sets),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(names, inner, max_size=4)),
    max_leaves=12,
)
items = st.dictionaries(names, values, max_size=6)


# -- attribute values (what a stream delivers), in the canonical form marshall writes ----

attribute_scalars: st.SearchStrategy[dict[str, object]] = st.one_of(
    strings.map(lambda text: {"S": text}),
    numbers.map(lambda number: {"N": number_text(number)}),
    st.booleans().map(lambda flag: {"BOOL": flag}),
    st.just({"NULL": True}),
    binaries.map(lambda text: {"B": str(text)}),
    st.frozensets(strings, min_size=1, max_size=4).map(lambda s: {"SS": sorted(s)}),
    st.frozensets(numbers, min_size=1, max_size=4).map(
        lambda s: {"NS": [number_text(n) for n in sorted(s)]}
    ),
    st.frozensets(binaries, min_size=1, max_size=4).map(
        lambda s: {"BS": sorted(str(b) for b in s)}
    ),
)
attributes: st.SearchStrategy[dict[str, object]] = st.recursive(
    attribute_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda members: {"L": members}),
        st.dictionaries(names, inner, max_size=4).map(lambda members: {"M": members}),
    ),
    max_leaves=12,
)
attribute_maps = st.dictionaries(names, attributes, max_size=6)
