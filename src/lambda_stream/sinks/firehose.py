"""Sending events to a Firehose delivery stream, one JSON line each."""

from __future__ import annotations

from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.firehose import (
    MAX_RECORD_BYTES,
    MAX_RECORDS,
    MAX_REQUEST_BYTES,
    FirehosePort,
)
from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject, _adopt_object
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sinks._batch import Sink, batched, described_in_order, event_reader
from lambda_stream.utils.compression import compressed_json

__all__ = ["INPUT_PARAMS", "PUT_RESPONSE", "send_to_firehose", "to_firehose_record"]

INPUT_PARAMS: Key[JsonObject] = Key("inputParams")
"""The request of the batch the uow went in: ``{Records}`` (``DeliveryStreamName`` aside)."""
PUT_RESPONSE: Key[JsonObject] = Key("putResponse")
"""The batch's answer: ``FailedPutCount`` and ``RequestResponses`` aligned with the request;
after retries the answers of the last attempt of each record, and ``attempts``, the raw
responses."""

_RECORD: Key[JsonObject] = Key("firehoseRecord")  # the uow's own record, while it is batched
_DEFAULT_BATCH_SIZE = 25  # the JS library's


def to_firehose_record(event: Event, *, compression_threshold: int | None) -> JsonObject:
    r"""The PutRecordBatch entry of `event`: its JSON and a newline, large members compressed.

    >>> to_firehose_record(Event(id="1", type="t"), compression_threshold=None)["Data"]
    b'{"id":"1","type":"t"}\n'
    """
    text = compressed_json(event.wire(), threshold=compression_threshold) + "\n"
    return _adopt_object({"Data": text.encode("utf-8")})


def send_to_firehose(
    options: Options,
    port: FirehosePort,
    *,
    delivery_stream_name: str | None = None,
    event: Key[Event] | None = None,
    batch_size: int | None = None,
    parallel: int | None = None,
) -> Sink:
    """A sink writing each uow's event to a delivery stream (the JS library's ``sendToFirehose``).

    The event becomes a record, its JSON and a newline (newline-delimited JSON, as an event lake
    reads it; no tags are added, as in the JS library); records go out in requests of at most
    500 records and 4 MiB; the records that fail are retried alone with backoff. A uow without
    an event passes through untouched, in place. Each uow keeps ``inputParams`` and
    ``putResponse``; a record over 1,000 KiB is a fault of its uow only, and so is a record the
    stream still refuses after the retries (retryable when it was throttled or failed inside).

    Args:
        options: the function's options (``DELIVERY_STREAM_NAME``, batch size, parallelism).
        port: the Firehose connector.
        delivery_stream_name: the delivery stream; ``options.delivery_stream_name`` when None.
        event: where the event is in the uow; ``uow.event`` when None.
        batch_size: records per request, at most 500 (``FIREHOSE_BATCH_SIZE``, ``BATCH_SIZE``,
            25).
        parallel: requests in flight (``FIREHOSE_PARALLEL``, ``PARALLEL``).

    Raises:
        ValueError: there is no delivery stream name.
    """
    name = delivery_stream_name or options.delivery_stream_name
    if not name:
        raise ValueError(
            "send_to_firehose needs a delivery stream: pass delivery_stream_name= or set "
            "DELIVERY_STREAM_NAME"
        )
    size = min(batch_size or options.batch_size_for("firehose", _DEFAULT_BATCH_SIZE), MAX_RECORDS)
    read_event = event_reader(event)

    def prepare(uow: UnitOfWork) -> UnitOfWork:
        found = read_event(uow)
        if found is None:
            return uow
        record = to_firehose_record(found, compression_threshold=options.compression_threshold)
        record_size = _size(record)
        if record_size > MAX_RECORD_BYTES:
            raise ValueError(f"Record size: {record_size}, exceeded max: {MAX_RECORD_BYTES}")
        return uow.set(_RECORD, record)

    async def send(records: list[JsonObject]) -> BatchOutcome[JsonObject]:
        return await port.put_record_batch(records, delivery_stream_name=name)

    sink = batched(
        prepare=prepare,
        entry=_RECORD,
        send=send,
        request=INPUT_PARAMS,
        response=PUT_RESPONSE,
        describe=described_in_order(answers="RequestResponses", failed="FailedPutCount"),
        batch_size=size,
        max_bytes=MAX_REQUEST_BYTES,
        parallel=parallel or options.parallel_for("firehose"),
        size_of=_size,
    )
    return lambda stream: sink(stream).map(_without_record)


def _size(record: JsonObject) -> int:
    data = record.get("Data")
    return len(data) if isinstance(data, bytes) else 0


def _without_record(uow: UnitOfWork) -> UnitOfWork:
    # The JS library keeps no per-uow record; the batch's request holds it.
    return uow.discard(_RECORD)
