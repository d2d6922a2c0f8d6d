"""from_cron: the scheduled payload is its own event, given an id and a type when it lacks them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import cast

import pytest

from lambda_stream import Fault, UnitOfWork, freeze
from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.cron import SCHEDULED_EVENT_TYPE, from_cron
from lambda_stream.testing import collect

SCHEDULED: dict[str, JsonValue] = {
    "version": "0",
    "id": "89d1a02d-5ec7-412e-82f5-13505f849b41",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2016-12-30T18:44:49Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/SampleRule"],
    "detail": {},
}


def _decode(event: object) -> list[UnitOfWork | Fault]:
    return collect(from_cron(cast(Mapping[str, object], event)))


def _only_uow(event: object) -> UnitOfWork:
    [item] = _decode(event)
    assert isinstance(item, UnitOfWork)
    return item


def _only_event(event: object) -> Event:
    uow = _only_uow(event)
    assert uow.event is not None
    return uow.event


def test_the_record_is_the_payload_as_received() -> None:
    assert _only_uow(SCHEDULED).record == SCHEDULED


def test_the_event_is_the_payload_with_its_type() -> None:
    assert _only_event(SCHEDULED).to_dict() == {**SCHEDULED, "type": "Scheduled Event"}


def test_a_scheduled_event_keeps_its_id() -> None:
    assert _only_event(SCHEDULED).id == "89d1a02d-5ec7-412e-82f5-13505f849b41"


def test_a_payload_type_wins_over_the_detail_type() -> None:
    assert _only_event({**SCHEDULED, "type": "job-tick"}).type == "job-tick"


def test_a_payload_without_an_id_gets_a_uuid4() -> None:
    assert uuid.UUID(_only_event({"type": "job-tick"}).id).version == 4


def test_a_payload_without_a_type_or_detail_type_is_a_scheduled_event() -> None:
    assert _only_event({"jobId": "nightly"}).type == SCHEDULED_EVENT_TYPE


def test_the_stream_gives_the_same_id_when_read_twice() -> None:
    stream = from_cron({"type": "job-tick"})
    assert collect(stream) == collect(stream)


def test_a_frozen_payload_decodes_like_a_plain_one() -> None:
    assert _only_event(freeze(SCHEDULED)).id == SCHEDULED["id"]


MALFORMED: dict[str, object] = {
    "null": None,
    "a string": "tick",
    "id not a string": {"id": 5, "type": "t"},
    "type not a string": {"id": "1", "type": ["t"]},
}


@pytest.mark.parametrize("event", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_payload_is_one_fault_carrying_it(event: object) -> None:
    [fault] = _decode(event)
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == event


def test_a_fault_names_the_source() -> None:
    [fault] = _decode(None)
    assert isinstance(fault, Fault)
    assert fault.message == "a cron event must be a JSON object, got NoneType"
