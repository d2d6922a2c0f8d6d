"""The record filters of from_dynamodb (global tables, TTL) and the approximate timestamp."""

from __future__ import annotations

from typing import Any

import pytest

from lambda_stream import UnitOfWork
from lambda_stream.core.json import freeze
from lambda_stream.sources._records import RecordError
from lambda_stream.sources.dynamodb import (
    ddb_approximate_creation_timestamp,
    from_dynamodb,
    out_global_table_extra_modify,
    out_replicas,
    out_ttl_expired_events,
)
from lambda_stream.testing import collect

HERE = "us-west-2"


def _record(
    new: dict[str, Any] | None = None,
    old: dict[str, Any] | None = None,
    name: str = "MODIFY",
    **more: Any,
) -> dict[str, Any]:
    change: dict[str, Any] = {
        "ApproximateCreationDateTime": 1700000100,
        "Keys": {"pk": {"S": "p"}},
        **({} if new is None else {"NewImage": {"sk": {"S": "thing"}, **new}}),
        **({} if old is None else {"OldImage": {"sk": {"S": "thing"}, **old}}),
    }
    return {"eventID": "1", "eventName": name, "awsRegion": HERE, "dynamodb": change, **more}


def _stamp(attribute: str, region: str) -> dict[str, Any]:
    return {attribute: {"S": region}}


V2 = "awsregion"
V1 = "aws:rep:updateregion"
TTL_SERVICE = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def _kept(*records: dict[str, Any], **options: Any) -> list[str]:
    """The eventIDs of the records from_dynamodb turns into events."""
    numbered = [{**record, "eventID": str(n)} for n, record in enumerate(records)]
    out = collect(from_dynamodb({"Records": numbered}, region=HERE, **options))
    return [item.event.id for item in out if isinstance(item, UnitOfWork) and item.event]


# -- out_replicas -------------------------------------------------------------------------


@pytest.mark.parametrize("attribute", [V2, V1])
def test_a_change_written_here_is_kept(attribute: str) -> None:
    assert out_replicas(True, region=HERE)(_record(_stamp(attribute, HERE), {}))


@pytest.mark.parametrize("attribute", [V2, V1])
def test_a_replica_written_elsewhere_is_dropped(attribute: str) -> None:
    assert not out_replicas(True, region=HERE)(_record(_stamp(attribute, "eu-west-1"), {}))


def test_the_new_image_decides_over_the_old() -> None:
    record = _record(_stamp(V2, HERE), _stamp(V2, "eu-west-1"))
    assert out_replicas(True, region=HERE)(record)


def test_a_delete_is_judged_by_the_old_image() -> None:
    record = _record(None, _stamp(V2, "eu-west-1"), "REMOVE")
    assert not out_replicas(True, region=HERE)(record)


def test_the_v2_stamp_decides_over_the_v1_stamp() -> None:
    record = _record({**_stamp(V2, HERE), **_stamp(V1, "eu-west-1")})
    assert out_replicas(True, region=HERE)(record)


def test_a_change_without_a_region_stamp_is_kept() -> None:
    assert out_replicas(True, region=HERE)(_record({}))


def test_a_record_without_images_is_left_to_the_source() -> None:
    assert out_replicas(True, region=HERE)({"dynamodb": {}})


def test_replicas_are_kept_when_not_ignored() -> None:
    assert out_replicas(False, region=HERE)(_record(_stamp(V2, "eu-west-1")))


def test_the_region_defaults_to_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert out_replicas(True)(_record(_stamp(V2, "eu-west-1")))


def test_without_a_region_nothing_is_a_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside Lambda, without AWS_REGION; the JS library compares with undefined and drops
    every stamped change."""
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert out_replicas(True)(_record(_stamp(V2, "eu-west-1")))


def test_from_dynamodb_without_a_region_keeps_replicas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    records = [_record(_stamp(V2, HERE)), _record(_stamp(V2, "eu-west-1"))]
    assert len(collect(from_dynamodb({"Records": records}))) == 2


def test_a_frozen_record_is_judged_like_a_plain_one() -> None:
    assert not out_replicas(True, region=HERE)(freeze(_record(_stamp(V2, "x"))))  # type: ignore[arg-type]  # a frozen object is a Mapping


def test_from_dynamodb_drops_replicas() -> None:
    assert _kept(_record(_stamp(V2, HERE)), _record(_stamp(V2, "eu-west-1"))) == ["0"]


def test_from_dynamodb_keeps_replicas_when_asked() -> None:
    records = (_record(_stamp(V2, HERE)), _record(_stamp(V2, "eu-west-1")))
    assert _kept(*records, ignore_replicas=False) == ["0", "1"]


def test_from_dynamodb_takes_the_region_from_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    records = [_record(_stamp(V2, HERE)), _record(_stamp(V2, "eu-west-1"))]
    out = collect(from_dynamodb({"Records": records}))
    assert [
        item.event.partition_key for item in out if isinstance(item, UnitOfWork) and item.event
    ] == ["p"]


# -- out_global_table_extra_modify --------------------------------------------------------


@pytest.mark.parametrize("attribute", [V2, V1])
def test_the_modify_that_adds_the_region_stamp_is_dropped(attribute: str) -> None:
    assert not out_global_table_extra_modify(_record(_stamp(attribute, HERE), {}))


@pytest.mark.parametrize("attribute", [V2, V1])
def test_a_modify_of_a_stamped_row_is_kept(attribute: str) -> None:
    record = _record(_stamp(attribute, HERE), _stamp(attribute, HERE))
    assert out_global_table_extra_modify(record)


def test_a_v1_row_stamped_by_v2_is_kept() -> None:
    """The v1 to v2 transition (case ddb-global-table-v1-v2-transition, as JS 1.2.0)."""
    assert out_global_table_extra_modify(_record(_stamp(V2, HERE), _stamp(V1, HERE)))


def test_an_insert_is_never_the_extra_modify() -> None:
    assert out_global_table_extra_modify(_record(_stamp(V2, HERE), None, "INSERT"))


def test_from_dynamodb_drops_the_extra_modify() -> None:
    assert _kept(_record(_stamp(V2, HERE), {}), _record(_stamp(V2, HERE))) == ["1"]


# -- out_ttl_expired_events ---------------------------------------------------------------


def _expiry(ttl: str = "1700000000", **more: Any) -> dict[str, Any]:
    return _record(None, {"ttl": {"N": ttl}}, "REMOVE", **more)


def test_a_remove_by_the_ttl_service_is_dropped() -> None:
    assert not out_ttl_expired_events(True)(_expiry("1800000000", userIdentity=TTL_SERVICE))


def test_a_remove_by_someone_else_is_kept() -> None:
    identity = {"type": "User", "principalId": "me"}
    assert out_ttl_expired_events(True)(_expiry(userIdentity=identity))


def test_a_replicated_expiry_is_dropped_by_its_ttl() -> None:
    assert not out_ttl_expired_events(True)(_expiry("1700000100"))


def test_a_remove_before_the_ttl_is_kept() -> None:
    assert out_ttl_expired_events(True)(_expiry("1700000101"))


def test_a_remove_without_a_ttl_is_kept() -> None:
    assert out_ttl_expired_events(True)(_record(None, {}, "REMOVE"))


def test_only_removes_are_expiries() -> None:
    record = _record({}, {"ttl": {"N": "1"}}, "MODIFY", userIdentity=TTL_SERVICE)
    assert out_ttl_expired_events(True)(record)


def test_expiries_are_kept_when_not_ignored() -> None:
    assert out_ttl_expired_events(False)(_expiry(userIdentity=TTL_SERVICE))


def test_a_malformed_record_is_left_to_the_source() -> None:
    assert out_ttl_expired_events(True)({"eventName": "REMOVE"})


def test_from_dynamodb_keeps_expiries_by_default() -> None:
    assert _kept(_expiry(userIdentity=TTL_SERVICE), _expiry()) == ["0", "1"]


def test_from_dynamodb_drops_expiries_when_asked() -> None:
    records = (_expiry(userIdentity=TTL_SERVICE), _expiry(), _expiry("1800000000"))
    assert _kept(*records, ignore_ttl_expired_events=True) == ["2"]


# -- ddb_approximate_creation_timestamp ---------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "millis"), [(1600000000, 1600000000000), (1712345678.5, 1712345678500)]
)
def test_the_approximate_creation_time_is_in_ms(seconds: float, millis: int) -> None:
    record = {"dynamodb": {"ApproximateCreationDateTime": seconds}}
    assert ddb_approximate_creation_timestamp(record) == millis


def test_a_sub_millisecond_time_keeps_its_fraction() -> None:
    record = {"dynamodb": {"ApproximateCreationDateTime": 1.0005}}
    assert ddb_approximate_creation_timestamp(record) == 1.0005 * 1000


@pytest.mark.parametrize(
    "record",
    [{}, {"dynamodb": {}}, {"dynamodb": {"ApproximateCreationDateTime": "1"}}],
    ids=["no dynamodb", "no time", "text"],
)
def test_a_record_without_a_numeric_time_is_an_error(record: dict[str, Any]) -> None:
    with pytest.raises(RecordError):
        ddb_approximate_creation_timestamp(record)
