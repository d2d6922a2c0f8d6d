"""update_dynamodb against the requests the JS library's updateDynamoDB made."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from lambda_stream import Event, Fault, Stream, UnitOfWork, freeze, resolve_options
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.dynamodb import ConditionFailed, Request
from lambda_stream.core.json import JsonObject, thaw
from lambda_stream.sinks.dynamodb import UPDATE_REQUEST, update_dynamodb
from lambda_stream.testing import collect
from tests.conformance.cases import Case, by_name, load

CASES = by_name([case for case in load("sinks") if case["function"] == "updateDynamoDB"])


class Recorder:
    """A DynamoDB port answering updates as the JS test stubs did.

    An update answers `answer`; when that is ``{}`` (the stub threw
    ``ConditionalCheckFailedException``), it raises `ConditionFailed` instead.
    """

    def __init__(self, answer: object) -> None:
        self.answer = answer
        self.requests: list[object] = []

    async def update(self, request: Request) -> JsonObject:
        self.requests.append(thaw(request))
        if self.answer == {}:
            raise ConditionFailed("The conditional request failed")
        answer = freeze(self.answer)  # type: ignore[arg-type]  # recorded JSON
        assert isinstance(answer, JsonObject)
        return answer

    async def put(self, request: Request) -> JsonObject:
        raise NotImplementedError

    async def delete(self, request: Request) -> JsonObject:
        raise NotImplementedError

    async def get(self, request: Request) -> JsonObject:
        raise NotImplementedError

    async def batch_write(
        self, table: str, requests: Sequence[JsonObject]
    ) -> BatchOutcome[JsonObject]:
        raise NotImplementedError

    async def batch_get(self, request: Request) -> JsonObject:
        raise NotImplementedError

    async def query(self, request: Request) -> tuple[JsonObject, ...]:
        raise NotImplementedError

    async def query_page(self, request: Request) -> JsonObject:
        raise NotImplementedError

    async def scan(self, request: Request) -> tuple[JsonObject, ...]:
        raise NotImplementedError

    async def scan_page(self, request: Request) -> JsonObject:
        raise NotImplementedError


def _uows(case: Case) -> list[UnitOfWork]:
    given = case["input_uows"]
    assert isinstance(given, list)
    uows = []
    for recorded in given:
        uow = UnitOfWork(record=None, event=Event.from_dict(recorded["event"]))
        if "updateRequest" in recorded:
            request = freeze(recorded["updateRequest"])
            assert isinstance(request, JsonObject)
            uow = uow.set(UPDATE_REQUEST, request)
        uows.append(uow)
    return uows


def _answer(case: Case) -> object:
    expected = case["expected_uows"]
    assert isinstance(expected, list)
    return next(uow["updateResponse"] for uow in expected if "updateResponse" in uow)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_uows_and_requests_match_the_js_library(name: str) -> None:
    case = CASES[name]
    settings = case["options"]
    assert isinstance(settings, dict)
    env = {"AWS_REGION": "us-west-2", **case.get("env", {})}  # type: ignore[dict-item]  # recorded env
    port = Recorder(_answer(case))
    sink = update_dynamodb(resolve_options(env), port, table_name=settings.get("tableName"))
    out = collect(Stream.of(_uows(case)).through(sink))
    assert [
        {k: v for k, v in uow.to_dict().items() if k != "record"}
        for uow in out
        if isinstance(uow, UnitOfWork)
    ] == case["expected_uows"]
    assert not [fault for fault in out if isinstance(fault, Fault)]
    assert port.requests == [call["input"] for call in case["sdk_calls"]]  # type: ignore[attr-defined]  # recorded JSON
