"""invoke_lambda and the event source mapping sinks: requests, answers, function errors."""

from __future__ import annotations

import json

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.sinks._batch import Sink
from lambda_stream.sinks.lambda_ import (
    ESM_CREATE_REQUEST,
    ESM_CREATE_RESPONSE,
    ESM_DELETE_REQUEST,
    ESM_UPDATE_REQUEST,
    ESM_UPDATE_RESPONSE,
    INVOKE_REQUEST,
    INVOKE_RESPONSE,
    create_event_source_mapping,
    delete_event_source_mapping,
    invoke_lambda,
    update_event_source_mapping,
)
from lambda_stream.testing import collect
from lambda_stream.testing.fakes import InMemoryLambda

OPTIONS = resolve_options({})


def _fails(payload: object) -> JsonValue:
    raise ValueError(f"cannot handle {payload}")


def _fake() -> InMemoryLambda:
    return InMemoryLambda({"echo": lambda payload: {"got": payload}, "broken": _fails})


def _invoke(function: str, payload: JsonValue = None) -> UnitOfWork:
    request = JsonObject({"FunctionName": function, "Payload": json.dumps(payload)})
    return UnitOfWork(record=None).set(INVOKE_REQUEST, request)


def _run(sink: Sink, uows: list[UnitOfWork]) -> list[UnitOfWork | Fault]:
    return collect(Stream.of(uows).through(sink))


def test_each_request_invokes_its_function_and_keeps_the_answer() -> None:
    fake = _fake()
    [out] = _run(invoke_lambda(OPTIONS, fake), [_invoke("echo", {"a": 1})])
    assert fake.invocations == [("echo", {"a": 1})]
    assert isinstance(out, UnitOfWork)
    assert out[INVOKE_RESPONSE] == {"StatusCode": 200, "Payload": '{"got":{"a":1}}'}


def test_a_function_error_is_a_fault_of_its_uow_carrying_the_answer() -> None:
    """Deliberate difference: the JS invokeLambda takes an answer with FunctionError for a
    success; the function failed, so here it is a fault of the uow."""
    out = _run(invoke_lambda(OPTIONS, _fake()), [_invoke("echo"), _invoke("broken", 7)])
    assert isinstance(out[0], UnitOfWork)
    fault = out[1]
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("LambdaFunctionError", False)
    assert fault.message == "broken failed (Unhandled): ValueError: cannot handle 7"
    assert fault.uows[0][INVOKE_RESPONSE]["FunctionError"] == "Unhandled"


def test_a_call_that_fails_is_a_fault_of_its_uow() -> None:
    [fault] = _run(invoke_lambda(OPTIONS, _fake()), [_invoke("missing")])
    assert isinstance(fault, Fault)
    assert (fault.name, fault.retryable) == ("ResourceNotFound", False)


def test_a_uow_without_a_request_passes_through_in_place() -> None:
    """Deliberate difference: the JS invokeLambda invokes with no request at all."""
    bare = UnitOfWork(record=JsonObject({"bare": True}))
    out = _run(invoke_lambda(OPTIONS, _fake()), [_invoke("echo", 1), bare, _invoke("echo", 2)])
    assert out[1] is bare
    assert [
        item[INVOKE_REQUEST]["Payload"]
        for item in out
        if isinstance(item, UnitOfWork) and INVOKE_REQUEST in item
    ] == ["1", "2"]


def test_the_invocations_keep_the_order_of_the_uows() -> None:
    uows = [_invoke("echo", n) for n in range(30)]
    out = _run(invoke_lambda(OPTIONS, _fake(), parallel=8), uows)
    assert [
        json.loads(str(u[INVOKE_RESPONSE]["Payload"]))["got"]
        for u in out
        if isinstance(u, UnitOfWork)
    ] == list(range(30))


def test_a_mapping_is_created_in_the_region_the_request_names_which_is_not_sent() -> None:
    fake = _fake()
    request = JsonObject({"FunctionName": "f", "EventSourceArn": "arn:q", "region": "eu-west-1"})
    [out] = _run(
        create_event_source_mapping(OPTIONS, fake),
        [UnitOfWork(record=None).set(ESM_CREATE_REQUEST, request)],
    )
    [mapping] = fake.mappings.values()
    assert mapping["region"] == "eu-west-1"
    assert isinstance(out, UnitOfWork)
    assert "region" not in out[ESM_CREATE_RESPONSE]
    assert out[ESM_CREATE_RESPONSE]["FunctionName"] == "f"


def test_a_mapping_is_updated_then_deleted_by_its_uuid() -> None:
    fake = _fake()
    create = JsonObject({"FunctionName": "f", "EventSourceArn": "arn:q"})
    [made] = _run(
        create_event_source_mapping(OPTIONS, fake),
        [UnitOfWork(record=None).set(ESM_CREATE_REQUEST, create)],
    )
    assert isinstance(made, UnitOfWork)
    uuid = made[ESM_CREATE_RESPONSE]["UUID"]
    update = UnitOfWork(record=None).set(
        ESM_UPDATE_REQUEST, JsonObject({"UUID": uuid, "BatchSize": 7})
    )
    [updated] = _run(update_event_source_mapping(OPTIONS, fake), [update])
    assert isinstance(updated, UnitOfWork)
    assert updated[ESM_UPDATE_RESPONSE]["BatchSize"] == 7
    delete = UnitOfWork(record=None).set(ESM_DELETE_REQUEST, JsonObject({"UUID": uuid}))
    _run(delete_event_source_mapping(OPTIONS, fake), [delete])
    assert fake.mappings == {}


def test_a_mapping_of_another_region_is_not_found() -> None:
    fake = _fake()
    create = JsonObject({"FunctionName": "f", "EventSourceArn": "arn:q", "region": "eu-west-1"})
    [made] = _run(
        create_event_source_mapping(OPTIONS, fake),
        [UnitOfWork(record=None).set(ESM_CREATE_REQUEST, create)],
    )
    assert isinstance(made, UnitOfWork)
    delete = JsonObject({"UUID": made[ESM_CREATE_RESPONSE]["UUID"]})
    [fault] = _run(
        delete_event_source_mapping(OPTIONS, fake),
        [UnitOfWork(record=None).set(ESM_DELETE_REQUEST, delete)],
    )
    assert isinstance(fault, Fault)
    assert len(fake.mappings) == 1
