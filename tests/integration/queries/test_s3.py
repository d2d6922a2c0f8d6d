"""The S3 queries, and the S3 readers of the sources, over real HTTP against moto."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest

from lambda_stream import Event, Fault, Stream, UnitOfWork, from_s3_event, resolve_options
from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.s3 import S3Connector
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.queries.claimcheck import redeem_claim_checks
from lambda_stream.queries.s3 import (
    GET_REQUEST,
    GET_RESPONSE,
    LIST_OBJECTS_REQUEST,
    LIST_OBJECTS_RESPONSE,
    get_object_from_s3,
    list_objects_from_s3,
    split_s3_object,
)
from lambda_stream.testing import collect, to_sqs_sns_s3_records
from lambda_stream.testing.moto import LocalAws

BUCKET = "things"
OPTIONS = resolve_options({}, bucket_name=BUCKET)


@pytest.fixture(scope="module")
def session() -> boto3.Session:
    """One boto3 session for the module: a new one costs 0.3 s to load its service models."""
    return boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def s3(aws: LocalAws, session: boto3.Session) -> Iterator[S3Connector]:
    client = aws.client("s3")
    client.create_bucket(Bucket=BUCKET)
    for n in range(5):
        client.put_object(Bucket=BUCKET, Key=f"lines/{n}", Body=f"a{n}\n\nb{n}\n".encode())
    connections = Connections(OPTIONS, session=session)
    yield S3Connector(connections)
    connections.close()


def _ask(key: object, request: dict[str, object]) -> UnitOfWork:
    return UnitOfWork(record=None).set(key, JsonObject(request))  # type: ignore[arg-type]  # any request key


def test_get_then_split_gives_one_uow_per_line(s3: S3Connector) -> None:
    step = get_object_from_s3(OPTIONS, s3)
    out = collect(
        Stream.of([_ask(GET_REQUEST, {"Key": "lines/1"})]).through(step).through(split_s3_object())
    )
    lines = [uow[GET_RESPONSE]["line"] for uow in out if isinstance(uow, UnitOfWork)]
    assert lines == ["a1", "b1"]


def test_list_follows_the_pages_one_uow_per_object(s3: S3Connector) -> None:
    step = list_objects_from_s3(OPTIONS, s3)
    uow = _ask(LIST_OBJECTS_REQUEST, {"Prefix": "lines/", "MaxKeys": 2})
    out = collect(Stream.of([uow]).through(step))
    keys = [
        u[LIST_OBJECTS_RESPONSE].get_object("Content").get_str("Key")
        for u in out
        if isinstance(u, UnitOfWork)
    ]
    assert keys == [f"lines/{n}" for n in range(5)]
    tokens = {
        u[LIST_OBJECTS_REQUEST].get_str("ContinuationToken")
        for u in out
        if isinstance(u, UnitOfWork)
    }
    assert len(tokens) == 3  # the first page has none, then one per following page


def test_a_missing_object_is_a_fault_of_its_uow_only(s3: S3Connector) -> None:
    uows = [_ask(GET_REQUEST, {"Key": key}) for key in ("lines/0", "none", "lines/2")]
    out = collect(Stream.of(uows).through(get_object_from_s3(OPTIONS, s3)))
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    assert isinstance(out[1], Fault)
    assert (out[1].name, out[1].retryable) == ("NoSuchKey", False)


def test_from_s3_event_reads_the_events_the_notifications_name(
    aws: LocalAws, s3: S3Connector
) -> None:
    event: dict[str, JsonValue] = {"id": "e1", "type": "thing-created", "thing": {"name": "a b"}}
    aws.client("s3").put_object(
        Bucket=BUCKET, Key="events/a b.json", Body=json.dumps(event).encode()
    )
    notification = {"bucket": {"name": BUCKET}, "object": {"key": "events/a+b.json"}}
    [uow] = collect(from_s3_event(to_sqs_sns_s3_records([notification]), s3=s3))
    assert isinstance(uow, UnitOfWork)
    assert uow.event == Event.from_dict(event)


def test_a_claim_check_is_redeemed_from_the_bucket(aws: LocalAws, s3: S3Connector) -> None:
    full: dict[str, JsonValue] = {"id": "e2", "type": "thing-updated", "thing": {"big": "x" * 1000}}
    aws.client("s3").put_object(Bucket=BUCKET, Key="claimchecks/e2", Body=json.dumps(full).encode())
    stub = Event.from_dict(
        {"id": "e2", "type": "thing-updated", "s3": {"bucket": BUCKET, "key": "claimchecks/e2"}}
    )
    [uow] = collect(
        Stream.of([UnitOfWork(record=None, event=stub)]).through(redeem_claim_checks(s3))
    )
    assert isinstance(uow, UnitOfWork)
    assert uow.event == Event.from_dict(full)
