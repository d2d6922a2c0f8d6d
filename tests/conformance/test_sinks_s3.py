"""put_object_to_s3 against the requests the JS library's putObjectToS3 made."""

from __future__ import annotations

from collections.abc import Mapping

from lambda_stream import Event, Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.connectors.s3 import S3Object
from lambda_stream.core.json import JsonObject, JsonValue, thaw
from lambda_stream.sinks.s3 import PUT_OBJECT_REQUEST, put_object_to_s3
from lambda_stream.testing import collect
from tests.conformance.cases import by_name, load

CASES = by_name([case for case in load("sinks") if case["function"] == "putObjectToS3"])


class Recorder:
    """An S3 port answering as the JS test stub did: ``{ETag: '"etag"'}``."""

    def __init__(self) -> None:
        self.puts: list[object] = []

    async def get_object(self, *, Bucket: str, Key: str) -> S3Object:
        raise AssertionError("the sink only puts")

    async def put_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        self.puts.append(thaw(request))
        return JsonObject({"ETag": '"etag"'})

    async def head_object(self, request: Mapping[str, JsonValue]) -> JsonObject:
        raise AssertionError("the sink only puts")

    list_objects = copy_object = delete_object = head_object


def test_the_put_requests_and_the_uows_match_the_js_library() -> None:
    case = CASES["s3-put-object"]
    settings = case["options"]
    assert isinstance(settings, dict)
    options = resolve_options({"AWS_REGION": "us-west-2"}, bucket_name=settings["bucketName"])
    uows = []
    for given in case["input_uows"]:  # type: ignore[attr-defined]  # recorded JSON list
        uow = UnitOfWork(record=None, event=Event.from_dict(given["event"]))
        if "putRequest" in given:
            uow = uow.set(PUT_OBJECT_REQUEST, JsonObject(given["putRequest"]))
        uows.append(uow)
    port = Recorder()

    out = collect(Stream.of(uows).through(put_object_to_s3(options, port)))

    assert port.puts == [call["input"] for call in case["sdk_calls"]]  # type: ignore[attr-defined]  # recorded JSON
    assert [item for item in out if isinstance(item, Fault)] == []
    ours = [
        {k: v for k, v in uow.to_dict().items() if k != "record"}
        for uow in out
        if isinstance(uow, UnitOfWork)
    ]
    assert ours == case["expected_uows"]
    assert case["expected_errors"] == []
