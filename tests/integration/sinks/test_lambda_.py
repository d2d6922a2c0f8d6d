"""invoke_lambda and the mapping sinks over real HTTP: moto, and the fault proxy before it.

Invocations run against moto's simple backend, which answers with the payload it was given
(see `tests.integration.lambdas`); mappings are made on SQS queues only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import boto3
import pytest

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.lambda_ import LambdaConnector
from lambda_stream.core.json import JsonObject
from lambda_stream.queries.lambda_ import ESM_LIST_REQUEST, list_event_source_mappings
from lambda_stream.sinks.lambda_ import (
    ESM_CREATE_REQUEST,
    ESM_CREATE_RESPONSE,
    ESM_DELETE_REQUEST,
    INVOKE_REQUEST,
    INVOKE_RESPONSE,
    create_event_source_mapping,
    delete_event_source_mapping,
    invoke_lambda,
)
from lambda_stream.testing import collect
from lambda_stream.testing.faultproxy import FaultProxy, InjectedError, Rule, throttling
from lambda_stream.testing.moto import LocalAws, MotoServer
from tests.integration.lambdas import configure_lambda, function_in

pytestmark = pytest.mark.usefixtures("instant_backoff")

INVOCATIONS = r"^POST /2015-03-31/functions/f/invocations"
Connect = Callable[[str, int], LambdaConnector]


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def connect(aws: LocalAws, moto_server: MotoServer, session: boto3.Session) -> Iterator[Connect]:
    """Connectors to an endpoint, with a function ``f`` in moto that echoes its payload."""
    function_in(aws, "us-east-1")
    configure_lambda(moto_server, use_docker=False)
    made: list[Connections] = []

    def go(endpoint: str, parallel: int) -> LambdaConnector:
        options = resolve_options({}, parallel=parallel)
        made.append(Connections(options, session=session, endpoint_url=endpoint))
        return LambdaConnector(made[-1])

    yield go
    configure_lambda(moto_server, use_docker=True)
    for connections in made:
        connections.close()


def _invocations(count: int) -> list[UnitOfWork]:
    return [
        UnitOfWork(record=JsonObject({"n": n})).set(
            INVOKE_REQUEST, JsonObject({"FunctionName": "f", "Payload": json.dumps({"n": n})})
        )
        for n in range(count)
    ]


def _invoke(port: LambdaConnector, count: int, parallel: int) -> list[UnitOfWork | Fault]:
    sink = invoke_lambda(resolve_options({}), port, parallel=parallel)
    return collect(Stream.of(_invocations(count)).through(sink))


def _answers(out: list[UnitOfWork | Fault]) -> list[object]:
    return [
        json.loads(str(uow[INVOKE_RESPONSE]["Payload"]))
        for uow in out
        if isinstance(uow, UnitOfWork)
    ]


def test_each_uow_gets_the_answer_of_its_own_invocation(aws: LocalAws, connect: Connect) -> None:
    out = _invoke(connect(aws.endpoint_url, 8), 20, 8)
    assert _answers(out) == [{"n": n} for n in range(20)]


def test_under_throttling_and_5xx_each_function_is_invoked_exactly_once(
    fault_proxy: FaultProxy, connect: Connect
) -> None:
    fault_proxy.add(
        Rule(service="lambda", path_regex=INVOCATIONS, error=throttling("lambda"), every=3),
        Rule(
            service="lambda",
            path_regex=INVOCATIONS,
            error=InjectedError(500, "ServiceException", "internal error"),
            every=3,
            skip_first=1,
        ),
    )
    # One call at a time: an invocation's attempts are consecutive calls, and calls 3, 4, 6,
    # 7, ... fail, so none meets three failures in a row.
    out = _invoke(connect(fault_proxy.url, 1), 20, 1)
    assert _answers(out) == [{"n": n} for n in range(20)]
    statuses = [call.status for call in fault_proxy.calls]
    assert statuses.count(200) == 20  # each invocation reached the function once
    assert fault_proxy.stats.errors >= 10


def test_when_the_retries_run_out_every_uow_fails_retryably_and_nothing_runs(
    fault_proxy: FaultProxy, connect: Connect
) -> None:
    fault_proxy.add(Rule(service="lambda", path_regex=INVOCATIONS, error=throttling("lambda")))
    out = _invoke(connect(fault_proxy.url, 4), 5, 4)
    assert len(out) == 5
    assert all(isinstance(item, Fault) and item.retryable for item in out)
    assert [call.status for call in fault_proxy.calls if call.status == 200] == []


def test_a_mapping_is_created_listed_and_deleted_through_the_sinks(
    aws: LocalAws, connect: Connect
) -> None:
    queue = function_in(aws, "eu-west-1")
    port = connect(aws.endpoint_url, 1)
    options = resolve_options({})
    create = JsonObject({"FunctionName": "f", "EventSourceArn": queue, "region": "eu-west-1"})
    [made] = collect(
        Stream.of([UnitOfWork(record=None).set(ESM_CREATE_REQUEST, create)]).through(
            create_event_source_mapping(options, port)
        )
    )
    assert isinstance(made, UnitOfWork)
    uuid = made[ESM_CREATE_RESPONSE]["UUID"]
    listing = UnitOfWork(record=None).set(
        ESM_LIST_REQUEST, JsonObject({"FunctionName": "f", "region": "eu-west-1"})
    )
    [listed] = collect(Stream.of([listing]).through(list_event_source_mappings(options, port)))
    assert isinstance(listed, UnitOfWork)
    assert str(uuid) in json.dumps(listed.to_dict()["listResponse"])
    delete = UnitOfWork(record=None).set(
        ESM_DELETE_REQUEST, JsonObject({"UUID": uuid, "region": "eu-west-1"})
    )
    [deleted] = collect(Stream.of([delete]).through(delete_event_source_mapping(options, port)))
    assert isinstance(deleted, UnitOfWork)
