"""from_eventbridge: one event per invocation, in ``detail``; a malformed one is a single fault."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Mapping
from typing import cast

import pytest

from lambda_stream import (
    Event,
    Fault,
    InMemoryFaultPublisher,
    UnitOfWork,
    freeze,
    initialize,
    resolve_options,
)
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.eventbridge import from_eventbridge
from lambda_stream.testing import InMemoryS3, collect
from lambda_stream.testing.eventbridge import to_eventbridge_record

THING: dict[str, JsonValue] = {"id": "e1", "type": "thing-created", "thing": {"name": "x"}}


def _envelope(detail: JsonValue, **members: JsonValue) -> dict[str, JsonValue]:
    return {
        "version": "0",
        "id": "envelope-id",
        "detail-type": "thing-created",
        "source": "custom",
        "detail": detail,
        **members,
    }


def _decode(event: object, s3: InMemoryS3 | None = None) -> list[UnitOfWork | Fault]:
    return collect(from_eventbridge(cast(Mapping[str, object], event), s3=s3))


def _only_uow(event: object) -> UnitOfWork:
    [item] = _decode(event)
    assert isinstance(item, UnitOfWork)
    return item


def _only_event(event: object) -> Event:
    uow = _only_uow(event)
    assert uow.event is not None
    return uow.event


def _only_fault(event: object) -> Fault:
    [item] = _decode(event)
    assert isinstance(item, Fault)
    return item


def test_the_detail_is_the_event() -> None:
    assert _only_event(_envelope(THING)) == Event.from_dict(THING)


def test_the_uow_keeps_the_invocation_event_as_received() -> None:
    envelope = _envelope(THING)
    assert _only_uow(envelope).record == envelope


def test_the_detail_id_wins_over_the_envelope_id() -> None:
    assert _only_event(_envelope(THING)).id == "e1"


def test_the_envelope_id_is_the_fallback_id() -> None:
    assert _only_event(_envelope({"type": "t"})).id == "envelope-id"


def test_a_null_detail_id_falls_back_to_the_envelope_id() -> None:
    assert _only_event(_envelope({"id": None, "type": "t"})).id == "envelope-id"


def test_the_detail_type_wins_over_the_detail_type_member() -> None:
    assert _only_event(_envelope({"type": "mine"})).type == "mine"


def test_an_aws_service_event_is_typed_by_its_detail_type() -> None:
    """Deliberate difference (conformance case ``eventbridge-aws-service-event``): the JS
    event has no type; an Event needs one, and the detail-type is what names the event."""
    event = _envelope({"instance-id": "i-1", "state": "pending"})
    assert _only_event(event).type == "thing-created"


def test_compressed_members_are_revived() -> None:
    """JS gap (anchor §4.1): fromEventBridge does not decompress; a compressed member reaches
    the pipelines as the ``COMPRESSED...`` string there."""
    packed = "COMPRESSED" + base64.b64encode(gzip.compress(b'{"name":"big"}')).decode()
    event = _only_event(_envelope({"id": "1", "type": "t", "thing": packed}))
    assert event["thing"] == {"name": "big"}


def test_an_event_tagged_skip_is_dropped() -> None:
    """JS gap (anchor §4.1): fromEventBridge does not apply outSkip; test events go through."""
    skipped = _envelope({"id": "1", "type": "t", "tags": {"skip": True}})
    assert _decode(skipped) == []


def test_an_event_tagged_skip_false_is_kept() -> None:
    assert _only_event(_envelope({"id": "1", "type": "t", "tags": {"skip": False}})).id == "1"


STUB: dict[str, JsonValue] = {
    "id": "cc-1",
    "type": "thing-created",
    "s3": {"bucket": "b", "key": "us-west-2/claimchecks/cc-1"},
}


def test_a_claim_check_stub_is_redeemed_from_s3() -> None:
    """JS gap (anchor §4.1): fromEventBridge does not redeem claim checks; the stub reaches
    the pipelines there instead of the event."""
    s3 = InMemoryS3()
    s3.put("b", "us-west-2/claimchecks/cc-1", Event.from_dict(THING).to_json())
    [uow] = _decode(_envelope(STUB), s3)
    assert isinstance(uow, UnitOfWork)
    assert uow.event == Event.from_dict(THING)
    assert s3.calls == [("get_object", {"Bucket": "b", "Key": "us-west-2/claimchecks/cc-1"})]


def test_without_an_s3_port_a_claim_check_stub_is_a_fault_carrying_the_event() -> None:
    envelope = _envelope(STUB)
    fault = _only_fault(envelope)
    assert fault.name == "ClaimCheckError"
    assert fault.uows[0].record == envelope


def test_a_frozen_event_decodes_like_a_plain_one() -> None:
    assert _only_event(freeze(_envelope(THING))) == Event.from_dict(THING)


def test_the_stream_can_be_read_twice() -> None:
    stream = from_eventbridge(_envelope(THING))
    assert collect(stream) == collect(stream) == [_only_uow(_envelope(THING))]


def test_the_record_of_a_helper_built_event_decodes() -> None:
    assert _only_event(to_eventbridge_record(THING)) == Event.from_dict(THING)


# Malformed invocations: each is a single fault carrying the whole event as received.
MALFORMED: dict[str, object] = {
    "event is null": None,
    "event is a number": 5,
    "event is a string": "text",
    "event is a list": [THING],
    "no detail": {"version": "0", "id": "x", "detail-type": "Scheduled Event"},
    "detail is null": _envelope(None),
    "detail is a string": _envelope('{"id":"1","type":"t"}'),
    "detail is a list": _envelope([THING]),
    "detail type is a number": _envelope({"id": "1", "type": 5}),
    "detail id is a number": _envelope({"id": 7, "type": "t"}),
    "no id anywhere": {"detail-type": "t", "detail": {"type": "t"}},
    "no type anywhere": {"id": "x", "detail": {"id": "1"}},
    "a stray compressed value": _envelope({"id": "1", "type": "t", "x": "COMPRESSEDnot-gzip"}),
}


@pytest.mark.parametrize("event", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_invocation_is_one_fault_carrying_the_event(event: object) -> None:
    assert _only_fault(event).uows[0].record == event


def test_a_fault_names_what_is_wrong_with_the_event() -> None:
    fault = _only_fault(MALFORMED["no detail"])
    assert (fault.name, fault.message) == (
        "RecordError",
        "an EventBridge event needs a 'detail' object",
    )


def test_an_event_that_is_not_an_object_is_named_so() -> None:
    fault = _only_fault(5)
    assert fault.message == "an EventBridge event must be a JSON object, got int"


def test_a_detail_that_is_not_an_event_is_an_event_error() -> None:
    assert _only_fault(MALFORMED["detail type is a number"]).name == "EventError"


def test_a_fault_of_the_source_belongs_to_no_pipeline() -> None:
    assert _only_fault(None).pipeline is None


def test_a_value_that_is_not_json_is_a_fault() -> None:
    assert _only_fault(_envelope({"id": "1", "type": "t", "x": object()})).name == "TypeError"  # type: ignore[dict-item]  # deliberately not JSON


@pytest.mark.parametrize("event", MALFORMED.values(), ids=MALFORMED.keys())
def test_through_the_pipelines_a_malformed_invocation_is_a_fault_event(event: object) -> None:
    publisher = InMemoryFaultPublisher()
    pipelines = initialize(
        {"p": lambda context: lambda s: s}, resolve_options({}), publisher=publisher
    )
    invocation = pipelines.invoke(from_eventbridge(cast(Mapping[str, object], event)))
    assert invocation.uows == ()
    assert [fault_event.to_dict()["uow"] for fault_event in publisher.events] == [{"record": event}]
