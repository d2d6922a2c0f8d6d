"""put_metrics: metrics packed into calls within the limits, per-uow answers and faults."""

from __future__ import annotations

from collections.abc import Mapping

from botocore.exceptions import ClientError

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonObject, JsonValue
from lambda_stream.sinks.cloudwatch import PUT_METRICS_REQUEST, PUT_METRICS_RESPONSE, put_metrics
from lambda_stream.testing import collect
from lambda_stream.testing.fakes import InMemoryCloudWatch

OPTIONS = resolve_options({})


def _uow(n: int, metrics: int = 1, namespace: str = "app", name: str = "m") -> UnitOfWork:
    data: list[JsonValue] = [
        {"MetricName": f"{name}{n}-{i}", "Value": float(i)} for i in range(metrics)
    ]
    request = JsonObject({"Namespace": namespace, "MetricData": data})
    return UnitOfWork(record=JsonObject({"n": n})).set(PUT_METRICS_REQUEST, request)


def _put(cw: InMemoryCloudWatch, uows: list[UnitOfWork], **kwargs: int) -> list[UnitOfWork | Fault]:
    sink = put_metrics(OPTIONS, cw, **kwargs)  # type: ignore[arg-type]  # keyword options under test
    return collect(Stream.of(uows).through(sink))


def _client_error(code: str, status: int = 400) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": code},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "PutMetricData")  # type: ignore[arg-type]  # botocore's TypedDict


def _names(request: Mapping[str, object]) -> list[str]:
    data = request["MetricData"]
    assert isinstance(data, list)
    return [entry["MetricName"] for entry in data]


def test_the_metrics_of_many_uows_go_out_in_one_call() -> None:
    """Deliberate difference: the JS putMetrics makes one call per uow."""
    cw = InMemoryCloudWatch()
    out = _put(cw, [_uow(n, 3) for n in range(10)])
    assert len(cw.calls) == 1
    assert len(cw.metrics["app"]) == 30
    assert all(isinstance(uow, UnitOfWork) for uow in out)


def test_a_call_carries_at_most_1000_metrics() -> None:
    cw = InMemoryCloudWatch()
    _put(cw, [_uow(n, 300) for n in range(10)])
    assert [len(_names(call)) for call in cw.calls] == [1000, 1000, 1000]


def test_a_uow_with_more_metrics_than_fit_one_call_is_split_over_several() -> None:
    """Deliberate difference: the JS putMetrics sends the request as it is, which CloudWatch
    refuses over 1,000 metrics."""
    cw = InMemoryCloudWatch()
    [out] = _put(cw, [_uow(0, 2_500)])
    assert [len(_names(call)) for call in cw.calls] == [1000, 1000, 500]
    assert [entry["MetricName"] for entry in cw.metrics["app"]] == [f"m0-{i}" for i in range(2_500)]
    assert isinstance(out, UnitOfWork)


def test_calls_stay_under_the_byte_limit() -> None:
    cw = InMemoryCloudWatch()
    _put(cw, [_uow(n, 10) for n in range(10)], max_request_size=3_000)
    assert len(cw.calls) > 1
    assert all(len(str(call["MetricData"])) < 3_000 for call in cw.calls)
    assert len(cw.metrics["app"]) == 100


def test_each_namespace_gets_its_own_calls() -> None:
    cw = InMemoryCloudWatch()
    _put(cw, [_uow(0, namespace="a"), _uow(1, namespace="b"), _uow(2, namespace="a")])
    assert sorted((call["Namespace"], len(_names(call))) for call in cw.calls) == [
        ("a", 2),
        ("b", 1),
    ]


def test_each_uow_keeps_its_request_and_the_answer() -> None:
    [out] = _put(InMemoryCloudWatch(), [_uow(0)])
    assert isinstance(out, UnitOfWork)
    assert out[PUT_METRICS_REQUEST]["Namespace"] == "app"
    assert out[PUT_METRICS_RESPONSE] == {}


def test_a_uow_without_a_request_passes_through_in_place() -> None:
    """Deliberate difference: the JS putMetrics calls CloudWatch with no request at all."""
    bare = UnitOfWork(record=JsonObject({"bare": True}))
    out = _put(InMemoryCloudWatch(), [_uow(0), bare, _uow(1)])
    assert out[1] is bare
    assert [uow.record for uow in (out[0], out[2]) if isinstance(uow, UnitOfWork)] == [
        JsonObject({"n": 0}),
        JsonObject({"n": 1}),
    ]


def test_the_uows_keep_their_order_across_windows() -> None:
    out = _put(InMemoryCloudWatch(), [_uow(n) for n in range(50)], batch_size=7, parallel=4)
    assert [uow.record for uow in out if isinstance(uow, UnitOfWork)] == [
        JsonObject({"n": n}) for n in range(50)
    ]


def test_a_throttled_call_fails_every_uow_in_it_retryably() -> None:
    cw = InMemoryCloudWatch(fail=lambda request: _client_error("Throttling"))
    out = _put(cw, [_uow(n) for n in range(3)])
    assert all(isinstance(item, Fault) and item.retryable for item in out)
    assert cw.metrics == {}


def test_a_refused_call_is_sent_again_per_uow_so_only_the_culprit_fails() -> None:
    def refuse(request: Mapping[str, object]) -> BaseException | None:
        return _client_error("InvalidParameterValue") if "bad1-0" in _names(request) else None

    cw = InMemoryCloudWatch(fail=refuse)
    out = _put(cw, [_uow(0), _uow(1, name="bad"), _uow(2)])
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    assert isinstance(out[1], Fault)
    assert not out[1].retryable
    assert [entry["MetricName"] for entry in cw.metrics["app"]] == ["m0-0", "m2-0"]


def test_a_request_without_metric_data_is_a_fault_of_its_uow() -> None:
    empty = UnitOfWork(record=None).set(PUT_METRICS_REQUEST, JsonObject({"Namespace": "app"}))
    out = _put(InMemoryCloudWatch(), [_uow(0), empty])
    assert isinstance(out[1], Fault)
    assert (out[1].message, out[1].retryable) == ("putRequest has no MetricData", False)


def test_a_metric_larger_than_a_call_is_a_fault_of_its_uow() -> None:
    big: dict[str, JsonValue] = {
        "MetricName": "big",
        "Dimensions": [{"Name": "d", "Value": "x" * 5_000}],
        "Value": 1.0,
    }
    uow = UnitOfWork(record=None).set(
        PUT_METRICS_REQUEST, JsonObject({"Namespace": "app", "MetricData": [big]})
    )
    cw = InMemoryCloudWatch()
    [fault] = _put(cw, [uow], max_request_size=3_000)
    assert isinstance(fault, Fault)
    assert fault.message.startswith("Request size: ")
    assert cw.calls == []


def test_a_request_with_entity_metrics_goes_out_alone_as_given() -> None:
    cw = InMemoryCloudWatch()
    entity: dict[str, JsonValue] = {
        "Namespace": "app",
        "MetricData": [{"MetricName": "plain"}],
        "EntityMetricData": [{"Entity": {"KeyAttributes": {"Type": "Service"}}}],
    }
    uow = UnitOfWork(record=None).set(PUT_METRICS_REQUEST, JsonObject(entity))
    out = _put(cw, [_uow(0), uow, _uow(1)])
    assert all(isinstance(item, UnitOfWork) for item in out)
    assert sorted(len(call) for call in cw.calls) == [2, 3]  # the packed call, and the entity one
