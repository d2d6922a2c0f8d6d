"""Cognito: a user pool trigger (sign-up, confirmation, authentication, ...)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Final

from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import thaw
from lambda_stream.core.uow import UnitOfWork, _build
from lambda_stream.sources._records import RecordError, adopt, adopt_raw
from lambda_stream.stream import Stream

__all__ = ["DEFAULT_COGNITO_PREFIX", "from_cognito", "kebab_case"]

DEFAULT_COGNITO_PREFIX: Final = "aws-cognito"
"""The event type prefix of `from_cognito`, as in the JS library."""


def from_cognito(
    event: Mapping[str, object], *, event_type_prefix: str = DEFAULT_COGNITO_PREFIX
) -> Stream[UnitOfWork]:
    """A single uow carrying the trigger as an event, built as the JS library builds it.

    The event is ``{id: uuid4, type: <prefix>-<kebab-case triggerSource>, partitionKey:
    userName, tags: {region, source: userPoolId}, raw: request}``; members the trigger lacks
    are left out. The record is the trigger itself, whose ``response`` the handler fills in
    and returns to Cognito.

    >>> from lambda_stream.testing import collect
    >>> trigger = {"triggerSource": "PostConfirmation_ConfirmSignUp", "userName": "u1"}
    >>> [uow] = collect(from_cognito(trigger))
    >>> uow.event.type, uow.event.partition_key
    ('aws-cognito-post-confirmation-confirm-sign-up', 'u1')

    Args:
        event: the Lambda event; treated as read-only from here on. Anything that is not a
            mapping with a ``triggerSource`` string becomes a single fault.
        event_type_prefix: what the event type starts with.
    """
    return Stream[UnitOfWork].of([_decode(event, event_type_prefix)])


def _decode(event: object, prefix: str) -> UnitOfWork | Fault:
    try:
        if not isinstance(event, Mapping):
            raise RecordError(f"a Cognito event must be a JSON object, got {type(event).__name__}")
        # A private copy: one event is cheap to copy, and input that is not JSON fails here.
        record: dict[str, object] = thaw(event)  # type: ignore[assignment]  # a Mapping thaws to a dict
        trigger = record.get("triggerSource")
        if trigger.__class__ is not str:
            raise RecordError("a Cognito event needs a 'triggerSource' string")
        data: dict[str, object] = {
            "id": str(uuid.uuid4()),
            "type": f"{prefix}-{kebab_case(trigger)}",
        }
        if record.get("userName") is not None:
            data["partitionKey"] = record["userName"]
        tags = {
            name: record[member]
            for name, member in (("region", "region"), ("source", "userPoolId"))
            if record.get(member) is not None
        }
        data["tags"] = tags
        request = record.get("request")
        data["raw"] = request if request.__class__ is dict else {}  # JS spreads it: {...request}
        decoded = Event._adopt(data)
    except Exception as error:
        return Fault.of(error, UnitOfWork(record=adopt_raw(event)))
    return _build(adopt(record), decoded)


# lodash's ``words`` for ASCII text: a word is a run of letters split where the case changes
# (``XMLHttp`` -> ``XML``, ``Http``), a run of digits, or an ordinal (``21st``).
_WORD: Final = re.compile(
    r"[A-Z]?[a-z]+(?=[^A-Za-z0-9]|[A-Z]|\Z)"
    r"|[A-Z]+(?=[^A-Za-z0-9]|[A-Z][a-z]|\Z)"
    r"|[A-Z]?[a-z]+"
    r"|[A-Z]+"
    r"|\d*(?:1ST|2ND|3RD|(?![123])\dTH)(?=\b|[a-z_])"
    r"|\d*(?:1st|2nd|3rd|(?![123])\dth)(?=\b|[A-Z_])"
    r"|\d+",
    re.ASCII,
)
_APOSTROPHES: Final = re.compile("['\u2019]")


def kebab_case(text: str) -> str:
    """`text` in kebab case, by lodash's ``kebabCase`` rules for ASCII text.

    Words split on anything that is not a letter or a digit, where lower case turns to upper,
    before the last capital of a run followed by lower case, and between letters and digits;
    apostrophes vanish. Other characters separate words.

    >>> kebab_case("PostConfirmation_ConfirmSignUp"), kebab_case("CustomSMSSender_SignUp")
    ('post-confirmation-confirm-sign-up', 'custom-sms-sender-sign-up')
    """
    return "-".join(word.lower() for word in _WORD.findall(_APOSTROPHES.sub("", text)))
