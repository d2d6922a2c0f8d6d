import base64
import gzip
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_stream.core.json import JsonObject, dumps
from lambda_stream.utils.compression import (
    PREFIX,
    compress,
    compressed_json,
    decompress,
    might_be_compressed,
    size_of,
)
from tests.conformance.cases import CONFORMANCE

COMPRESS_CASES = [
    case
    for case in json.loads((CONFORMANCE / "utils.json").read_text())
    if case["name"].startswith("compress-")
]
BIG = "x" * 200


def _pointer(path: tuple[str, ...]) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in path)


def _compressed_paths(value: object, path: tuple[str, ...] = ()) -> list[str]:
    if isinstance(value, str):
        return [_pointer(path)] if value.startswith(PREFIX) else []
    if isinstance(value, dict):
        items = [(str(key), member) for key, member in value.items()]
    elif isinstance(value, list):
        items = [(str(index), member) for index, member in enumerate(value)]
    else:
        return []
    return [found for key, member in items for found in _compressed_paths(member, (*path, key))]


def _redacted(value: object) -> object:
    if isinstance(value, str) and value.startswith(PREFIX):
        return "COMPRESSED<gzip>"
    if isinstance(value, dict):
        return {key: _redacted(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_redacted(member) for member in value]
    return value


def _compress_case(case: dict[str, object]) -> object:
    options = case["compress_options"]
    assert isinstance(options, dict)
    return compress(
        case["value"],
        threshold=options.get("compressionThreshold"),
        ignore=options.get("compressionIgnore", ()),
    )


def _unpack(text: str) -> object:
    """What the JS library's unzip + JSON.parse do with a compressed value."""
    return json.loads(gzip.decompress(base64.b64decode(text[len(PREFIX) :])).decode("utf-8"))


# -- the JS library's recorded cases --------------------------------------------------------


@pytest.mark.parametrize("case", COMPRESS_CASES, ids=lambda case: str(case["name"]))
def test_compress_compresses_the_paths_the_js_library_compresses(case: dict[str, object]) -> None:
    expected = case["compressed_paths"]
    assert isinstance(expected, list)
    assert sorted(_compressed_paths(_compress_case(case))) == sorted(expected)


@pytest.mark.parametrize("case", COMPRESS_CASES, ids=lambda case: str(case["name"]))
def test_compress_leaves_the_rest_as_the_js_library_does(case: dict[str, object]) -> None:
    expected = case["output_with_compressed_values_redacted"]
    assert _redacted(_compress_case(case)) == expected


@pytest.mark.parametrize("case", COMPRESS_CASES, ids=lambda case: str(case["name"]))
def test_compress_then_decompress_gives_the_js_round_trip(case: dict[str, object]) -> None:
    text = dumps(_compress_case(case))
    assert decompress(json.loads(text)) == case["round_trip"]


@pytest.mark.parametrize("case", COMPRESS_CASES, ids=lambda case: str(case["name"]))
def test_decompress_reads_the_js_librarys_output(case: dict[str, object]) -> None:
    output = case["output"]
    assert isinstance(output, str)
    assert decompress(json.loads(output)) == case["round_trip"]


# -- compress -------------------------------------------------------------------------------


def test_a_compressed_value_is_the_prefix_and_base64_gzip_of_its_json() -> None:
    packed = compress({"big": {"text": BIG}}, threshold=100)
    assert isinstance(packed, dict)
    assert _unpack(packed["big"]) == {"text": BIG}


def test_compressed_json_is_written_as_js_writes_it() -> None:
    packed = compress({"big": {"é": BIG, "n": [1, None]}}, threshold=100)
    assert isinstance(packed, dict)
    data = gzip.decompress(base64.b64decode(packed["big"][len(PREFIX) :]))
    assert data.decode("utf-8") == '{"é":"' + BIG + '","n":[1,null]}'


def test_the_outermost_oversized_member_is_compressed_whole() -> None:
    packed = compress({"a": {"b": {"c": BIG}}}, threshold=100)
    assert _compressed_paths(packed) == ["/a"]


def test_members_at_or_under_the_threshold_are_kept() -> None:
    value = {"id": "1", "n": 12345, "flag": True, "small": {"a": 1}}
    assert compress(value, threshold=100) == value


def test_the_root_is_never_compressed() -> None:
    assert compress(BIG, threshold=1) == BIG


def test_array_elements_are_never_compressed() -> None:
    packed = compress({"items": [BIG, [BIG]]}, threshold=100, ignore=["items"])
    assert packed == {"items": [BIG, [BIG]]}


def test_members_of_an_array_element_may_be_compressed() -> None:
    packed = compress({"items": [{"text": BIG}]}, threshold=100, ignore=["items"])
    assert _compressed_paths(packed) == ["/items/0/text"]


def test_an_ignored_members_children_may_be_compressed() -> None:
    packed = compress({"raw": {"new": {"text": BIG}}}, threshold=100, ignore=["raw"])
    assert _compressed_paths(packed) == ["/raw/new"]


def test_an_already_compressed_value_is_not_compressed_again() -> None:
    once = compress({"big": {"text": BIG}}, threshold=100)
    assert isinstance(once, dict)
    assert compress(once, threshold=10) == once


def test_no_threshold_compresses_nothing() -> None:
    value = {"big": {"text": BIG}}
    assert compress(value, threshold=None) is value


def test_compress_writes_frozen_views_as_plain_containers() -> None:
    packed = compress(JsonObject({"a": {"b": [1]}}), threshold=100)
    assert (type(packed), packed) == (dict, {"a": {"b": [1]}})


def test_compress_leaves_its_input_untouched() -> None:
    value = {"big": {"text": BIG}}
    compress(value, threshold=100)
    assert value == {"big": {"text": BIG}}


# -- size_of --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [("", 12), ("a", 16), ("abcd", 16), ("abcde", 20), ("a" * 88, 100), ("a" * 89, 104)],
)
def test_a_string_counts_12_plus_4_per_started_group_of_4(text: str, size: int) -> None:
    assert size_of(text) == size


def test_a_string_counts_utf16_code_units() -> None:
    assert (size_of("é" * 4), size_of("🍮" * 2), size_of("🍮" * 3)) == (16, 16, 20)


@pytest.mark.parametrize("number", [0, 2**60, 1.5, Decimal("12345.678")])
def test_a_number_counts_8(number: object) -> None:
    assert size_of(number) == 8


@pytest.mark.parametrize("flag", [True, False])
def test_a_boolean_counts_4(flag: bool) -> None:
    assert size_of(flag) == 4


def test_null_counts_0() -> None:
    assert size_of(None) == 0


@pytest.mark.parametrize(
    "value",
    [{"a": "é", "b": [1, None]}, ["日本", {"x": True}], JsonObject({"k": {"v": "🍮"}}), {}],
)
def test_a_container_counts_the_utf8_bytes_of_its_compact_json(value: object) -> None:
    assert size_of(value) == len(dumps(value).encode("utf-8"))


def test_a_set_counts_as_an_array() -> None:
    assert size_of(frozenset({"ab"})) == len('["ab"]')


# -- decompress, might_be_compressed --------------------------------------------------------


def test_decompress_revives_values_at_any_depth_and_in_arrays() -> None:
    packed = PREFIX + base64.b64encode(gzip.compress(b'{"k":1}')).decode("ascii")
    value = {"a": {"b": packed}, "list": [packed, "plain"]}
    assert decompress(value) == {"a": {"b": {"k": 1}}, "list": [{"k": 1}, "plain"]}


def test_decompress_revives_a_compressed_value_inside_a_compressed_value() -> None:
    inner = compress({"inner": {"text": BIG}}, threshold=100)
    outer = compress({"outer": inner}, threshold=10)
    assert decompress(outer) == {"outer": {"inner": {"text": BIG}}}


def test_decompress_keeps_everything_else() -> None:
    value = {"s": "COMPRESS", "n": 1.5, "b": False, "z": None, "l": ["x"]}
    assert decompress(value) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a":"COMPRESSEDH4sI"}', True),
        ('["COMPRESSEDH4sI"]', True),
        ('{"a":"not COMPRESSED"}', False),
        ('{"a":"plain"}', False),
    ],
)
def test_might_be_compressed_looks_for_a_string_starting_with_the_prefix(
    text: str, expected: bool
) -> None:
    assert might_be_compressed(text) is expected


# Members built to sit on either side of the threshold: strings of any alphabet (the size
# of a string is not its JSON length), numbers (8 against a JSON length of 1) and containers.
_members = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.text(alphabet="aé🍮\n", max_size=40),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    st.dictionaries(st.sampled_from(["id", "a", "b", "big"]), _members, max_size=4),
    st.integers(min_value=0, max_value=120),
    st.sets(st.sampled_from(["a", "big"])),
)
def test_compressed_json_is_dumps_of_compress(
    value: dict[str, object], threshold: int, ignore: set[str]
) -> None:
    expected = dumps(compress(value, threshold=threshold, ignore=ignore))
    assert compressed_json(value, threshold=threshold, ignore=ignore) == expected


@pytest.mark.parametrize("threshold", [None, 0, 6, 7, 8, 9, 12, 15, 16, 10_240])
@pytest.mark.parametrize("value", [{"n": 7}, {"s": "a"}, {"n": 7, "s": "é" * 3}])
def test_compressed_json_agrees_at_the_edge_of_its_shortcut(
    value: dict[str, object], threshold: int | None
) -> None:
    # {"n":7} is 7 bytes of JSON while n counts 8; {"s":"a"} is 9 bytes while s counts 16.
    expected = dumps(compress(value, threshold=threshold))
    assert compressed_json(value, threshold=threshold) == expected
