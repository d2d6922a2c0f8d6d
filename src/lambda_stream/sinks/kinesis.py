"""Publishing events to a Kinesis stream."""

from __future__ import annotations

from lambda_stream.connectors._retry import BatchOutcome
from lambda_stream.connectors.kinesis import (
    MAX_RECORD_BYTES,
    MAX_RECORDS,
    MAX_REQUEST_BYTES,
    KinesisPort,
)
from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject, _adopt_object
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sinks._batch import (
    Sink,
    batched,
    described_in_order,
    event_reader,
    with_sent_event,
)
from lambda_stream.utils.compression import compressed_json
from lambda_stream.utils.tags import adorn_standard_tags

__all__ = ["INPUT_PARAMS", "PUBLISH_RESPONSE", "publish_to_kinesis", "to_record"]

INPUT_PARAMS: Key[JsonObject] = Key("inputParams")
"""The request of the batch the uow went in: ``{Records}`` (``StreamName`` aside)."""
PUBLISH_RESPONSE: Key[JsonObject] = Key("publishResponse")
"""The batch's answer: ``FailedRecordCount`` and ``Records`` aligned with the request; after
retries the answers of the last attempt of each record, and ``attempts``, the raw responses."""

_RECORD: Key[JsonObject] = Key("kinesisRecord")  # the uow's own record, while it is batched
_MAX_PARTITION_KEY = 256  # characters
_DEFAULT_BATCH_SIZE = 25  # the JS library's


def to_record(event: Event, *, compression_threshold: int | None) -> JsonObject:
    """The PutRecords entry of `event`: ``Data`` is its JSON, large members compressed.

    ``PartitionKey`` is the event's, or its id when it has none (the JS library sends none, and
    Kinesis refuses the whole request).

    >>> to_record(Event(id="1", type="t"), compression_threshold=None)["PartitionKey"]
    '1'
    """
    data = compressed_json(event.wire(), threshold=compression_threshold).encode("utf-8")
    return _adopt_object({"Data": data, "PartitionKey": event.partition_key or event.id})


def publish_to_kinesis(
    options: Options,
    port: KinesisPort,
    *,
    stream_name: str | None = None,
    event: Key[Event] | None = None,
    batch_size: int | None = None,
    parallel: int | None = None,
) -> Sink:
    """A sink putting each uow's event on a stream (the JS library's ``publishToKinesis``).

    The event gets the standard tags (its own win) and becomes a record, its JSON as data;
    records go out in requests of at most 500 records and 5 MiB; the records that fail are
    retried alone with backoff. A uow without an event passes through untouched, in place. Each
    uow keeps ``inputParams`` and ``publishResponse``; a record over 1 MiB, or with a partition
    key over 256 characters, is a fault of its uow only, and so is a record the stream still
    refuses after the retries (retryable when it was throttled or failed inside).

    Args:
        options: the function's options (``STREAM_NAME``, batch size, parallelism).
        port: the Kinesis connector.
        stream_name: the stream; ``options.stream_name`` when None.
        event: where the event is in the uow; ``uow.event`` when None.
        batch_size: records per request, at most 500 (``PUBLISH_BATCH_SIZE``, ``BATCH_SIZE``,
            25).
        parallel: requests in flight (``PUBLISH_PARALLEL``, ``PARALLEL``).

    Raises:
        ValueError: there is no stream name.
    """
    name = stream_name or options.stream_name
    if not name:
        raise ValueError("publish_to_kinesis needs a stream: pass stream_name= or set STREAM_NAME")
    size = min(batch_size or options.batch_size_for("publish", _DEFAULT_BATCH_SIZE), MAX_RECORDS)
    read_event = event_reader(event)

    def prepare(uow: UnitOfWork) -> UnitOfWork:
        found = read_event(uow)
        if found is None:
            return uow
        tagged = adorn_standard_tags(found, options, uow.pipeline)
        record = to_record(tagged, compression_threshold=options.compression_threshold)
        key = record.get_str("PartitionKey") or ""
        if not 1 <= len(key) <= _MAX_PARTITION_KEY:
            raise ValueError(f"PartitionKey length: {len(key)}, must be 1 to 256 characters")
        record_size = _size(record)
        if record_size > MAX_RECORD_BYTES:
            raise ValueError(f"Record size: {record_size}, exceeded max: {MAX_RECORD_BYTES}")
        kept = with_sent_event(uow, event, tagged)
        return kept.set(_RECORD, record)

    async def send(records: list[JsonObject]) -> BatchOutcome[JsonObject]:
        return await port.put_records(records, stream_name=name)

    sink = batched(
        prepare=prepare,
        entry=_RECORD,
        send=send,
        request=INPUT_PARAMS,
        response=PUBLISH_RESPONSE,
        describe=described_in_order(answers="Records", failed="FailedRecordCount"),
        batch_size=size,
        max_bytes=MAX_REQUEST_BYTES,
        parallel=parallel or options.parallel_for("publish"),
        size_of=_size,
    )
    return lambda stream: sink(stream).map(_without_record)


def _size(record: JsonObject) -> int:
    """What a record counts toward the limits: its data and its partition key, in bytes."""
    data = record.get("Data")
    key = record.get_str("PartitionKey") or ""
    return (len(data) if isinstance(data, bytes) else 0) + len(key.encode("utf-8"))


def _without_record(uow: UnitOfWork) -> UnitOfWork:
    # The JS library keeps no per-uow record; the batch's request holds it.
    return uow.discard(_RECORD)
