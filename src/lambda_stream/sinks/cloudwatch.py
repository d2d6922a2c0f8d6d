"""Putting metrics to CloudWatch, packed into as few calls as its limits allow."""

from __future__ import annotations

from dataclasses import dataclass, field

from lambda_stream.connectors.cloudwatch import MAX_METRICS, MAX_REQUEST_BYTES, CloudWatchPort
from lambda_stream.core.errors import is_retryable
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import FrozenJson, JsonArray, JsonObject, dumps
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sinks._batch import Sink, members
from lambda_stream.stream import Stream

__all__ = ["PUT_METRICS_REQUEST", "PUT_METRICS_RESPONSE", "put_metrics"]

PUT_METRICS_REQUEST: Key[JsonObject] = Key("putRequest")
"""The uow's ``PutMetricData`` parameters: ``Namespace``, ``MetricData`` (any number)."""
PUT_METRICS_RESPONSE: Key[JsonObject] = Key("putResponse")
"""CloudWatch's answer to the (last) call that carried the uow's metrics."""

# Room for what surrounds the entries in a request (Namespace, framing); JSON sizes also
# overstate the CBOR that goes on the wire.
_ENVELOPE_BYTES = 1_024


@dataclass(slots=True)
class _Call:
    """One PutMetricData call.

    Attributes:
        params: the parameters the call shares (``Namespace``, ...), or the whole request.
        parts: the index of each uow in it, with its entries.
        count: the entries in it.
        size: their bytes, as compact JSON.
        whole: `params` is the whole request, to send as it is.
    """

    params: JsonObject
    parts: list[tuple[int, list[FrozenJson]]] = field(default_factory=list)
    count: int = 0
    size: int = 0
    whole: bool = False


def put_metrics(
    options: Options,
    port: CloudWatchPort,
    *,
    request: Key[JsonObject] = PUT_METRICS_REQUEST,
    response: Key[JsonObject] = PUT_METRICS_RESPONSE,
    batch_size: int | None = None,
    max_request_size: int = MAX_REQUEST_BYTES,
    parallel: int | None = None,
) -> Sink:
    """A sink putting each uow's metric data (the JS library's ``putMetrics``).

    Up to `batch_size` consecutive uows are gathered; the metrics of those that share their
    other parameters (``Namespace``, ...) go out together, at most 1,000 metrics and
    `max_request_size` bytes per call, and a uow with more metrics than fit one call is split
    over several (a request with ``EntityMetricData`` goes out alone, as given). Each uow
    keeps ``putResponse``; a uow without ``putRequest`` passes through
    untouched, in place, and the uows keep their order.

    A call that fails with throttling, a 5xx or a timeout (after the SDK's retries) is a
    retryable fault of every uow with metrics in it. A call CloudWatch refuses for what it
    holds stored nothing: each uow's share is sent again alone, so that the refusal is a
    fault of the uow that caused it only. A uow split over several calls that failed in
    part has had the other part stored: CloudWatch has no way to take it back.

    Args:
        options: the function's options (``CW_PARALLEL``, ``PARALLEL``, ``BATCH_SIZE``).
        port: the CloudWatch connector.
        request: where the request is in the uow.
        response: where the answer goes.
        batch_size: uows gathered before their metrics are packed into calls.
        max_request_size: bytes per call.
        parallel: gathered batches in flight.
    """
    window = batch_size or options.batch_size_for("cloudwatch", MAX_METRICS)
    budget = max_request_size - _ENVELOPE_BYTES

    async def send_window(uows: tuple[UnitOfWork, ...]) -> list[UnitOfWork | Fault]:
        errors: dict[int, Exception] = {}
        answers: dict[int, JsonObject] = {}
        for call in _pack(uows, request, budget, errors):
            await _send(port, call, errors, answers)
        out: list[UnitOfWork | Fault] = []
        for index, uow in enumerate(uows):
            if index in errors:
                out.append(Fault.of(errors[index], uow))
            elif index in answers:
                out.append(uow.set(response, answers[index]))
            else:
                out.append(uow)
        return out

    def sink(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return (
            stream.batch(window)
            .map_async(send_window, parallel=parallel or options.parallel_for("cloudwatch"))
            .flat_map(members)
        )

    return sink


def _pack(
    uows: tuple[UnitOfWork, ...],
    request: Key[JsonObject],
    budget: int,
    errors: dict[int, Exception],
) -> list[_Call]:
    """The calls carrying the metrics of `uows`; a request that cannot go goes to `errors`."""
    groups: dict[str, list[_Call]] = {}
    alone: list[_Call] = []
    for index, uow in enumerate(uows):
        sent = uow.get(request)
        if sent is None:
            continue
        if "EntityMetricData" in sent:
            # Entity metrics cannot be split or merged without sending them twice.
            alone.append(_Call(sent, [(index, [])], whole=True))
            continue
        try:
            params, entries = _split(sent, budget)
        except ValueError as error:
            errors[index] = error
            continue
        group = groups.setdefault(dumps(dict(sorted(params.items()))), [])
        for entry, size in entries:
            if not group or group[-1].count >= MAX_METRICS or group[-1].size + size > budget:
                group.append(_Call(params))
            _add(group[-1], index, entry, size)
    return [call for group in groups.values() for call in group] + alone


def _split(sent: JsonObject, budget: int) -> tuple[JsonObject, list[tuple[FrozenJson, int]]]:
    """The request's shared parameters, and its metric entries with their sizes."""
    data = sent.get("MetricData")
    if not isinstance(data, JsonArray) or not data:
        raise ValueError("putRequest has no MetricData")
    entries = [(entry, len(dumps(entry).encode("utf-8"))) for entry in data]
    for _, size in entries:
        if size > budget:
            raise ValueError(f"Request size: {size}, exceeded max: {budget}")
    return sent.remove("MetricData"), entries


def _add(call: _Call, index: int, entry: FrozenJson, size: int) -> None:
    if not call.parts or call.parts[-1][0] != index:
        call.parts.append((index, []))
    call.parts[-1][1].append(entry)
    call.count += 1
    call.size += size


async def _send(
    port: CloudWatchPort, call: _Call, errors: dict[int, Exception], answers: dict[int, JsonObject]
) -> None:
    data = [entry for _, entries in call.parts for entry in entries]
    try:
        sent = call.params if call.whole else call.params.set("MetricData", data)
        answer = await port.put_metric_data(sent)
    except Exception as error:
        if len(call.parts) > 1 and not is_retryable(error):
            # The call was refused as a whole and stored nothing: find whose metrics it was.
            for index, entries in call.parts:
                alone = _Call(call.params, [(index, entries)], len(entries), call.size)
                await _send(port, alone, errors, answers)
            return
        for index, _ in call.parts:
            errors.setdefault(index, error)
        return
    for index, _ in call.parts:
        answers[index] = answer
