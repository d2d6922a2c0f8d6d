"""boto3 values written back as the API's JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from lambda_stream.connectors._wire import api_json, api_object


def test_dates_become_epoch_seconds() -> None:
    assert api_json(datetime(1970, 1, 1, 0, 0, 1, 250_000, tzinfo=UTC)) == 1.25


def test_bytes_become_base64_text() -> None:
    assert api_json({"b": [b"\xff"]}) == {"b": ["/w=="]}


def test_a_response_becomes_a_frozen_object() -> None:
    frozen = api_object({"Records": [{"Data": b"{}"}]})
    assert frozen == {"Records": [{"Data": "e30="}]}
