"""from_dynamodb: stream records in, uows out; a bad record is a fault, never a crashed batch."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, cast

import pytest

from lambda_stream import (
    Fault,
    InMemoryFaultPublisher,
    UnitOfWork,
    freeze,
    initialize,
    resolve_options,
)
from lambda_stream.core.json import JsonValue
from lambda_stream.sources.dynamodb import from_dynamodb
from lambda_stream.testing import collect
from lambda_stream.testing.dynamodb import to_dynamodb_records


def _good(n: int) -> dict[str, Any]:
    image: dict[str, JsonValue] = {"pk": f"good{n}", "sk": "thing"}
    change: dict[str, JsonValue] = {"timestamp": 1, "keys": {"pk": f"good{n}"}, "newImage": image}
    record: dict[str, Any] = cast(list[Any], to_dynamodb_records([change])["Records"])[0]
    record["eventID"] = f"good{n}"
    return record


_GONE = object()


def _bad(*path: str, value: object = _GONE) -> dict[str, Any]:
    """A good record with the member at `path` set to `value`, or removed."""
    record = _good(0)
    record["eventID"] = "bad"
    parent = record
    for key in path[:-1]:
        parent = parent[key]
    if value is _GONE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return record


def _keys_only() -> dict[str, Any]:
    record = _bad("dynamodb", "NewImage")
    record["dynamodb"]["StreamViewType"] = "KEYS_ONLY"
    return record


def _decode(*records: object) -> list[UnitOfWork | Fault]:
    return collect(from_dynamodb({"Records": list(records)}, region="us-west-2"))


def _only_fault(event: object) -> Fault:
    [item] = collect(from_dynamodb(cast(Mapping[str, object], event)))  # an untyped caller
    assert isinstance(item, Fault)
    return item


def test_a_record_becomes_a_uow_with_its_event() -> None:
    [uow] = _decode(_good(1))
    assert isinstance(uow, UnitOfWork)
    assert uow.event is not None
    assert (uow.event.id, uow.event.type) == ("good1", "thing-created")


def test_the_records_keep_their_order() -> None:
    out = _decode(_good(1), _good(2), _good(3))
    assert [item.event.id for item in out if isinstance(item, UnitOfWork) and item.event] == [
        "good1",
        "good2",
        "good3",
    ]


def test_a_frozen_event_decodes_like_a_plain_one() -> None:
    event = {"Records": [_good(1)]}
    frozen = freeze(cast(dict[str, JsonValue], copy.deepcopy(event)))
    assert collect(from_dynamodb(frozen)) == collect(from_dynamodb(event))  # type: ignore[arg-type]  # a frozen object is a Mapping


def test_the_stream_can_be_read_twice() -> None:
    stream = from_dynamodb({"Records": [_good(1)]})
    assert collect(stream) == collect(stream)


def test_an_empty_batch_is_an_empty_stream() -> None:
    assert collect(from_dynamodb({"Records": []})) == []


# Bad records: each becomes a fault whose uow carries the raw record, and the good records of
# the same batch flow on.
BAD_RECORDS: dict[str, object] = {
    "record is a string": "not a record",
    "record is a number": 5,
    "record is null": None,
    "record is a list": [1, 2],
    "truncated: no dynamodb": _bad("dynamodb"),
    "dynamodb is not an object": _bad("dynamodb", value="x"),
    "keys only: no images": _keys_only(),
    "NewImage is not an object": _bad("dynamodb", "NewImage", value=["x"]),
    "no Keys": _bad("dynamodb", "Keys"),
    "no pk key": _bad("dynamodb", "Keys", value={"id": {"S": "x"}}),
    "pk key is not an attribute": _bad("dynamodb", "Keys", "pk", value="x"),
    "unknown eventName": _bad("eventName", value="UPSERT"),
    "no eventName": _bad("eventName"),
    "no eventID": _bad("eventID"),
    "neither discriminator nor sk": _bad("dynamodb", "NewImage", "sk"),
    "discriminator is not a string": _bad(
        "dynamodb", "NewImage", "discriminator", value={"N": "1"}
    ),
    "a bad attribute value": _bad("dynamodb", "NewImage", "n", value={"N": "one"}),
    "no ApproximateCreationDateTime": _bad("dynamodb", "ApproximateCreationDateTime"),
    "ApproximateCreationDateTime is text": _bad(
        "dynamodb", "ApproximateCreationDateTime", value="1"
    ),
}


@pytest.mark.parametrize("record", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_a_bad_record_is_a_fault_carrying_the_raw_record(record: object) -> None:
    kept = copy.deepcopy(record)
    [fault] = _decode(record)
    assert isinstance(fault, Fault)
    assert fault.uows[0].record == kept


@pytest.mark.parametrize("record", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_the_good_records_around_a_bad_one_flow_on(record: object) -> None:
    items = _decode(_good(1), record, _good(2))
    assert [type(item) for item in items] == [UnitOfWork, Fault, UnitOfWork]


def test_a_keys_only_record_is_a_fault_that_says_what_is_missing() -> None:
    """Deliberate difference 3 (case ``ddb-keys-only-stream-view``): the JS library crashes
    the batch with an error carrying no uow; here the record is a fault naming the cause."""
    [fault] = _decode(BAD_RECORDS["keys only: no images"])
    assert isinstance(fault, Fault)
    assert (fault.name, "KEYS_ONLY" in fault.message) == ("RecordError", True)


def test_a_missing_pk_key_is_a_fault_naming_the_key() -> None:
    """Case ``ddb-missing-pk-key-error``: a TypeError fault with the record in JS, too."""
    [fault] = _decode(BAD_RECORDS["no pk key"])
    assert isinstance(fault, Fault)
    assert fault.message == "record has no dynamodb.Keys.pk"


def test_a_fault_of_the_source_belongs_to_no_pipeline() -> None:
    [fault] = _decode(BAD_RECORDS["no Keys"])
    assert isinstance(fault, Fault)
    assert fault.pipeline is None


def test_a_record_that_is_not_json_at_all_is_a_fault() -> None:
    [fault] = _decode(object())
    assert isinstance(fault, Fault)
    assert str(fault.uows[0].record).startswith("<object object at ")


@pytest.mark.parametrize(
    "event", [None, 5, "text", [1, 2]], ids=["null", "number", "string", "list"]
)
def test_an_event_that_is_not_an_object_is_a_single_fault(event: object) -> None:
    fault = _only_fault(event)
    assert fault.message.startswith("a DynamoDB event must be a JSON object")
    assert fault.uows[0].record == event


@pytest.mark.parametrize("event", [{}, {"Records": None}, {"Records": "abc"}, {"records": []}])
def test_an_event_without_a_records_list_is_a_single_fault(event: dict[str, object]) -> None:
    fault = _only_fault(event)
    assert fault.message == "a DynamoDB event needs a 'Records' list"
    assert fault.uows[0].record == event


BAD_EVENTS: dict[str, object] = {
    **{
        f"record: {name}": {"Records": [_good(1), record, _good(2)]}
        for name, record in BAD_RECORDS.items()
    },
    "event: not an object": "not an event",
    "event: no Records": {"records": []},
}


@pytest.mark.parametrize("event", BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_through_the_pipelines_bad_input_is_a_fault_event_with_the_raw_record(
    event: object,
) -> None:
    publisher = InMemoryFaultPublisher()
    pipelines = initialize(
        {"p": lambda context: lambda s: s}, resolve_options({}), publisher=publisher
    )
    kept = copy.deepcopy(event)
    pipelines.invoke(from_dynamodb(cast(Mapping[str, object], event)))
    records = kept.get("Records") if isinstance(kept, dict) else None
    raw = records[1] if isinstance(records, list) and len(records) == 3 else kept
    assert [fault_event.to_dict()["uow"] for fault_event in publisher.events] == [{"record": raw}]


@pytest.mark.parametrize("event", BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_through_the_pipelines_the_good_records_still_come_out(event: object) -> None:
    pipelines = initialize(
        {"p": lambda context: lambda s: s}, resolve_options({}), publisher=InMemoryFaultPublisher()
    )
    invocation = pipelines.invoke(from_dynamodb(cast(Mapping[str, object], event)))
    expected = ["good1", "good2"] if isinstance(event, dict) and "Records" in event else []
    assert [uow.event.id for uow in invocation.uows if uow.event] == expected
