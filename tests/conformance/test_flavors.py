"""Whole handlers built from flavor rules, against the cases recorded from the JS library.

Each case's rules are functions in JS (described by its ``options_note``); they are rebuilt
here as typed rules and run through ``initialize_from(rules, options)`` on the recorded input
event, with fake ports that answer as the recording's stubbed SDK clients answered (an update
answers the item's key as ``Attributes``, PutEvents ``eb-<call>-<entry>`` ids). The requests
made are compared with the recorded ``sdk_calls`` (EventBridge ``Detail`` as parsed JSON), and
the output uows with ``expected_uows`` as a multiset, as in ``test_pipelines``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

import pytest

from lambda_stream import (
    Event,
    InMemoryFaultPublisher,
    Invocation,
    JsonObject,
    JsonValue,
    Rule,
    Stream,
    UnitOfWork,
    from_dynamodb,
    from_kinesis,
    initialize_from,
    resolve_options,
    thaw,
)
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.dynamodb import Request as DynamoDBRequest
from lambda_stream.connectors.eventbridge import results_of
from lambda_stream.connectors.ports import Ports
from lambda_stream.flavors import CdcRule, MaterializeRule, UpdateRule
from lambda_stream.testing import InMemoryDynamoDB
from lambda_stream.utils import timestamp_condition, ttl, update_expression
from tests.conformance.cases import Case, by_name, load
from tests.conformance.test_pipelines import _ignored, _plain

CASES = by_name(load("flavors"))
BASELINE = {"AWS_REGION": "us-west-2"}  # the environment every case was recorded in


class StubbedDynamoDB(InMemoryDynamoDB):
    """The in-memory table, answering an update with the item's key, as the JS stub did."""

    async def update(self, request: DynamoDBRequest) -> JsonObject:
        await super().update(request)
        return JsonObject({"Attributes": request["Key"]})


class StubbedEventBridge:
    """A bus recording each PutEvents call and answering ``eb-<call>-<entry>``, as the stub."""

    def __init__(self) -> None:
        self.calls: list[list[JsonObject]] = []

    async def put_events(
        self, entries: Sequence[JsonObject], *, endpoint_id: str | None = None
    ) -> BatchOutcome[JsonObject]:
        call = len(self.calls)
        self.calls.append(list(entries))
        answer = JsonObject(
            {
                "FailedEntryCount": 0,
                "Entries": [{"EventId": f"eb-{call}-{n}"} for n in range(len(entries))],
            }
        )
        return BatchOutcome(tuple(entries), tuple(results_of(answer, len(entries))), (answer,))


def _event(uow: UnitOfWork) -> Event:
    assert uow.event is not None
    return uow.event


def _image(uow: UnitOfWork, side: str) -> JsonObject:
    raw = _event(uow).raw
    assert isinstance(raw, JsonObject)
    return raw.get_object(side)


def _cdc_rules() -> list[Rule]:
    """``{id: "trigger", flavor: cdc, eventType: /^thing-(created|updated|deleted)$/,
    toEvent: uow => ({thing: uow.event.raw.new || uow.event.raw.old})}``."""
    return [
        CdcRule(
            id="trigger",
            event_type=re.compile(r"^thing-(created|updated|deleted)$"),
            to_event=lambda uow, rule: {"thing": _image(uow, "new") or _image(uow, "old")},
        )
    ]


def _to_thing_update(uow: UnitOfWork, rule: MaterializeRule) -> dict[str, JsonValue]:
    event = _event(uow)
    thing = event["thing"]
    assert isinstance(thing, JsonObject)
    assert event.timestamp is not None
    return {
        "Key": {"pk": thing["id"], "sk": "thing"},
        **update_expression(
            {
                **thing,
                "discriminator": "thing",
                "lastModifiedBy": "system",
                "timestamp": event.timestamp,
                "deleted": True if event.type == "thing-deleted" else None,
                "latched": True,
                "ttl": ttl(event.timestamp, 33),
                "awsregion": "us-west-2",
            }
        ),
        **timestamp_condition(),
    }


def _materialize_rules() -> list[Rule]:
    """``{id: "m1", flavor: materialize, eventType: [created, updated, deleted],
    tableName: "my-entities", toUpdateRequest: ...}`` (see ``_to_thing_update``)."""
    return [
        MaterializeRule(
            id="m1",
            event_type=["thing-created", "thing-updated", "thing-deleted"],
            table_name="my-entities",
            to_update_request=_to_thing_update,
        )
    ]


async def _to_summary_update(uow: UnitOfWork, rule: UpdateRule) -> dict[str, JsonValue]:
    """Async on purpose: the JS flavor awaits whatever the mapper returns."""
    new = _image(uow, "new")
    return {
        "Key": {"pk": "summary", "sk": new["pk"]},
        **update_expression(
            {"total": new["total"], "timestamp": _event(uow).timestamp, "latched": True}
        ),
        **timestamp_condition(),
    }


def _update_rules() -> list[Rule]:
    """``{id: "u1", flavor: update, eventType: "order-created", tableName: "my-summaries",
    toUpdateRequest: ...}`` (see ``_to_summary_update``)."""
    return [
        UpdateRule(
            id="u1",
            event_type="order-created",
            table_name="my-summaries",
            to_update_request=_to_summary_update,
        )
    ]


RULES: dict[str, Callable[[], list[Rule]]] = {
    "cdc-trigger-dynamodb-to-eventbridge": _cdc_rules,
    "materialize-listener-kinesis-to-dynamodb": _materialize_rules,
    "update-flavor-dynamodb": _update_rules,
}


class Run:
    """One case run: the invocation and what each fake port was asked."""

    def __init__(self, name: str) -> None:
        case = CASES[name]
        env = case.get("env") or {}
        assert isinstance(env, dict)
        options = resolve_options({**BASELINE, **env}, bus_name="my-bus")
        self.dynamodb = StubbedDynamoDB()
        self.eventbridge = StubbedEventBridge()
        ports = Ports(options, dynamodb=self.dynamodb, eventbridge=self.eventbridge)
        pipelines = initialize_from(
            RULES[name](), options, publisher=InMemoryFaultPublisher(), ports=ports
        )
        self.invocation: Invocation = pipelines.invoke(_source(case))

    def sdk_calls(self) -> list[object]:
        """Our calls in the recording's form, ``Detail`` parsed."""
        updates = [
            {"client": "DynamoDB(DocumentClient)", "command": "UpdateCommand", "input": thaw(req)}
            for operation, req in self.dynamodb.calls
            if operation == "update"
        ]
        puts = [
            {"client": "EventBridge", "command": "PutEventsCommand", "input": {"Entries": call}}
            for call in self.eventbridge.calls
        ]
        return _parsed([*updates, *puts])


def _source(case: Case) -> Stream[UnitOfWork]:
    event = case["input_event"]
    assert isinstance(event, dict)
    from_table = event["Records"][0].get("eventSource") == "aws:dynamodb"
    return from_dynamodb(event) if from_table else from_kinesis(event)


def _parsed(value: object) -> list[object]:
    """`value` as plain JSON, every ``Detail`` string parsed (JS and Python order keys apart)."""

    def parse(node: object) -> object:
        if isinstance(node, dict):
            return {
                key: json.loads(item) if key == "Detail" and isinstance(item, str) else parse(item)
                for key, item in node.items()
            }
        if isinstance(node, list):
            return [parse(item) for item in node]
        return node

    plain = parse(json.loads(json.dumps(value, default=thaw)))
    assert isinstance(plain, list)
    return plain


def _recorded_calls(name: str) -> list[object]:
    calls = CASES[name]["sdk_calls"]
    assert isinstance(calls, list)
    return _parsed([{key: call[key] for key in ("client", "command", "input")} for call in calls])


def test_every_recorded_case_is_rebuilt() -> None:
    assert sorted(RULES) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_requests_match_the_js_library(name: str) -> None:
    assert Run(name).sdk_calls() == _recorded_calls(name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_output_uows_match_the_js_library(name: str) -> None:
    ignored = _ignored(CASES[name])
    ours = _plain(_parsed([uow.to_dict() for uow in Run(name).invocation.uows]), ignored)
    expected = CASES[name]["expected_uows"]
    assert isinstance(expected, list)
    theirs = _plain(_parsed(expected), ignored)
    assert sorted(ours) == sorted(theirs)  # merged pipelines: compared as multisets


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_uow_faults(name: str) -> None:
    invocation = Run(name).invocation
    assert (invocation.faults, invocation.fault_events) == ((), ())
