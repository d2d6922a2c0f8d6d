"""from_cognito: a user pool trigger as one event; kebab_case as lodash writes it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import cast

import pytest

from lambda_stream import Fault, UnitOfWork, freeze
from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.cognito import from_cognito, kebab_case
from lambda_stream.testing import collect

TRIGGER: dict[str, JsonValue] = {
    "version": "1",
    "region": "us-east-1",
    "userPoolId": "us-east-1_X",
    "userName": "u1",
    "triggerSource": "PostConfirmation_ConfirmSignUp",
    "request": {"userAttributes": {"email": "u1@example.com"}},
    "response": {},
}


def _decode(event: object, **options: str) -> list[UnitOfWork | Fault]:
    return collect(from_cognito(cast(Mapping[str, object], event), **options))


def _only_uow(event: object, **options: str) -> UnitOfWork:
    [item] = _decode(event, **options)
    assert isinstance(item, UnitOfWork)
    return item


def _only_event(event: object, **options: str) -> Event:
    uow = _only_uow(event, **options)
    assert uow.event is not None
    return uow.event


def test_the_type_is_the_prefixed_kebab_case_trigger_source() -> None:
    assert _only_event(TRIGGER).type == "aws-cognito-post-confirmation-confirm-sign-up"


def test_the_prefix_can_be_chosen() -> None:
    assert _only_event(TRIGGER, event_type_prefix="user").type == (
        "user-post-confirmation-confirm-sign-up"
    )


def test_the_id_is_a_uuid4() -> None:
    assert uuid.UUID(_only_event(TRIGGER).id).version == 4


def test_each_invocation_gets_its_own_id() -> None:
    assert _only_event(TRIGGER).id != _only_event(TRIGGER).id


def test_the_stream_gives_the_same_id_when_read_twice() -> None:
    stream = from_cognito(TRIGGER)
    assert collect(stream) == collect(stream)


def test_the_partition_key_is_the_user_name() -> None:
    assert _only_event(TRIGGER).partition_key == "u1"


def test_the_tags_are_the_region_and_the_user_pool() -> None:
    assert _only_event(TRIGGER).tags == {"region": "us-east-1", "source": "us-east-1_X"}


def test_raw_is_the_request() -> None:
    assert _only_event(TRIGGER).raw == {"userAttributes": {"email": "u1@example.com"}}


def test_the_record_is_the_trigger_as_received() -> None:
    assert _only_uow(TRIGGER).record == TRIGGER


def test_members_the_trigger_lacks_are_left_out() -> None:
    event = _only_event({"triggerSource": "PreSignUp_SignUp"})
    assert event.to_dict() == {
        "id": event.id,
        "type": "aws-cognito-pre-sign-up-sign-up",
        "tags": {},
        "raw": {},
    }


def test_a_frozen_trigger_decodes_like_a_plain_one() -> None:
    assert _only_event(freeze(TRIGGER)).partition_key == "u1"


MALFORMED: dict[str, object] = {
    "null": None,
    "a list": [TRIGGER],
    "no triggerSource": {**TRIGGER, "triggerSource": None},
    "triggerSource not a string": {**TRIGGER, "triggerSource": 5},
}


@pytest.mark.parametrize("event", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_trigger_is_one_fault_carrying_it(event: object) -> None:
    [fault] = _decode(event)
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == event


def test_a_fault_names_the_missing_trigger_source() -> None:
    [fault] = _decode(MALFORMED["no triggerSource"])
    assert isinstance(fault, Fault)
    assert fault.message == "a Cognito event needs a 'triggerSource' string"


# Expected values written by lodash 4.17's kebabCase.
LODASH = [
    ("PostConfirmation_ConfirmSignUp", "post-confirmation-confirm-sign-up"),
    ("PreSignUp_SignUp", "pre-sign-up-sign-up"),
    ("CustomSMSSender_SignUp", "custom-sms-sender-sign-up"),
    ("TokenGeneration_HostedAuth", "token-generation-hosted-auth"),
    ("VerifyAuthChallengeResponse_Authentication", "verify-auth-challenge-response-authentication"),
    ("XMLHttpRequest", "xml-http-request"),
    ("HTTPServer", "http-server"),
    ("ANDYou", "and-you"),
    ("iOS", "i-os"),
    ("ABc", "a-bc"),
    ("aB", "a-b"),
    ("__FOO_BAR__", "foo-bar"),
    ("Custom  Message", "custom-message"),
    ("x-y_z.w", "x-y-z-w"),
    ("abc123def", "abc-123-def"),
    ("SMS2FA", "sms-2-fa"),
    ("JSON2XML", "json-2-xml"),
    ("a1B2c3", "a-1-b-2-c-3"),
    ("get21stCentury", "get-21st-century"),
    ("1st2ndThing", "1-st-2nd-thing"),
    ("2NDPlace", "2-nd-place"),
    ("3rdparty", "3-rdparty"),
    ("11thHour", "11-th-hour"),
    ("1ST", "1st"),
    ("don't stop", "dont-stop"),
    ("trailing\n", "trailing"),
    ("", ""),
    ("  ", ""),
]


@pytest.mark.parametrize(("text", "expected"), LODASH, ids=[text for text, _ in LODASH])
def test_kebab_case_follows_lodash(text: str, expected: str) -> None:
    assert kebab_case(text) == expected
