"""send_to_firehose against the requests the JS library's sendToFirehose made."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence

from lambda_stream import Event, Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.firehose import results_of
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.firehose import send_to_firehose
from lambda_stream.testing import collect
from tests.conformance.cases import by_name, load

CASE = by_name([case for case in load("sinks") if case["function"] == "sendToFirehose"])[
    "firehose-put-record-batch"
]


class Recorder:
    """A Firehose port answering as the JS test stub did: no failure, no per-record answer."""

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    async def put_record_batch(
        self, records: Sequence[JsonObject], *, delivery_stream_name: str
    ) -> BatchOutcome[JsonObject]:
        request: dict[str, object] = {
            "DeliveryStreamName": delivery_stream_name,
            "Records": [r.thaw() for r in records],
        }
        self.calls.append(request)
        response = JsonObject({"FailedPutCount": 0, "RequestResponses": []})
        return BatchOutcome(
            entries=tuple(records),
            results=tuple(results_of(response, len(records))),
            responses=(response,),
        )


def _portable(value: object) -> object:
    """Bytes (ours) and ``{"__bytes__": ...}`` (the recording) as the JSON lines they hold."""
    if isinstance(value, dict) and set(value) == {"__bytes__"}:
        return _portable(base64.b64decode(value["__bytes__"]))
    if isinstance(value, bytes):
        return {"json": json.loads(value), "newline": value.endswith(b"\n")}
    if isinstance(value, dict):
        return {key: _portable(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_portable(member) for member in value]
    return value


def _run(port: Recorder) -> list[UnitOfWork | Fault]:
    settings = CASE["options"]
    assert isinstance(settings, dict)
    options = resolve_options(
        {"AWS_REGION": "us-west-2"}, delivery_stream_name=settings["deliveryStreamName"]
    )
    uows = [
        UnitOfWork(record=None, event=Event.from_dict(given["event"]))
        for given in CASE["input_uows"]  # type: ignore[attr-defined]  # recorded JSON list
    ]
    return collect(Stream.of(uows).through(send_to_firehose(options, port)))


def test_the_uows_match_the_js_library() -> None:
    out = _run(Recorder())
    ours = [
        {k: v for k, v in uow.to_dict().items() if k != "record"}
        for uow in out
        if isinstance(uow, UnitOfWork)
    ]
    assert _portable(ours) == _portable(CASE["expected_uows"])


def test_the_requests_match_the_js_library() -> None:
    port = Recorder()
    _run(port)
    expected = [call["input"] for call in CASE["sdk_calls"]]  # type: ignore[attr-defined]  # recorded JSON
    assert _portable(port.calls) == _portable(expected)
