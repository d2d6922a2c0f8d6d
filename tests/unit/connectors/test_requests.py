"""plain_request: a frozen request copied out for boto3."""

from __future__ import annotations

from lambda_stream.connectors._requests import plain_request
from lambda_stream.core.json import JsonObject


def test_frozen_members_come_out_as_plain_dicts_and_lists() -> None:
    plain = plain_request(JsonObject({"Target": {"Input": "{}"}, "Tags": [{"Key": "a"}]}))
    assert type(plain["Target"]) is dict
    assert type(plain["Tags"]) is list


def test_the_request_wins_over_the_defaults() -> None:
    assert plain_request({"Bucket": "mine"}, Bucket="default") == {"Bucket": "mine"}


def test_the_copy_shares_nothing_with_the_request() -> None:
    given: dict[str, object] = {"Target": {"Input": "{}"}}
    plain = plain_request(given)  # type: ignore[arg-type]  # a plain dict of JSON
    plain["Target"]["Arn"] = "a"  # type: ignore[index]  # a plain dict
    assert given == {"Target": {"Input": "{}"}}
