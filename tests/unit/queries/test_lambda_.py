"""list_event_source_mappings: one page per request, in the region the request names."""

from __future__ import annotations

import asyncio

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonArray, JsonObject
from lambda_stream.queries.lambda_ import (
    ESM_LIST_REQUEST,
    ESM_LIST_RESPONSE,
    list_event_source_mappings,
)
from lambda_stream.testing import collect
from lambda_stream.testing.fakes import InMemoryLambda

OPTIONS = resolve_options({})


def _fake() -> InMemoryLambda:
    fake = InMemoryLambda()
    for region in ("us-east-1", "eu-west-1"):
        request = {"FunctionName": "f", "EventSourceArn": f"arn:{region}"}
        asyncio.run(fake.create_event_source_mapping(request, region=region))
    return fake


def _list(request: dict[str, str]) -> list[UnitOfWork | Fault]:
    uow = UnitOfWork(record=None).set(ESM_LIST_REQUEST, JsonObject(request))
    return collect(Stream.of([uow]).through(list_event_source_mappings(OPTIONS, _fake())))


def test_the_mappings_of_the_region_the_request_names_are_listed() -> None:
    [out] = _list({"FunctionName": "f", "region": "eu-west-1"})
    assert isinstance(out, UnitOfWork)
    mappings = out[ESM_LIST_RESPONSE]["EventSourceMappings"]
    assert isinstance(mappings, JsonArray)
    arns = [m.get_str("EventSourceArn") for m in mappings if isinstance(m, JsonObject)]
    assert arns == ["arn:eu-west-1"]


def test_the_uow_keeps_its_request_region_included() -> None:
    [out] = _list({"FunctionName": "f", "region": "eu-west-1"})
    assert isinstance(out, UnitOfWork)
    assert out[ESM_LIST_REQUEST] == {"FunctionName": "f", "region": "eu-west-1"}


def test_a_uow_without_a_request_passes_through() -> None:
    bare = UnitOfWork(record=None)
    step = list_event_source_mappings(OPTIONS, InMemoryLambda())
    assert collect(Stream.of([bare]).through(step)) == [bare]
