"""schedule_event: one schedule per request, the connector's defaults, faults, order."""

from __future__ import annotations

from lambda_stream import Fault, Stream, UnitOfWork, resolve_options
from lambda_stream.core.json import JsonObject
from lambda_stream.sinks.scheduler import SCHEDULE_REQUEST, SCHEDULE_RESPONSE, schedule_event
from lambda_stream.testing import collect
from lambda_stream.testing.fakes import InMemoryScheduler

OPTIONS = resolve_options({})


def _uow(name: str) -> UnitOfWork:
    request = JsonObject(
        {
            "Name": name,
            "ScheduleExpression": "at(2030-01-01T00:00:00)",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Input": f'{{"id":"{name}"}}'},
        }
    )
    return UnitOfWork(record=JsonObject({"name": name})).set(SCHEDULE_REQUEST, request)


def _run(scheduler: InMemoryScheduler, uows: list[UnitOfWork]) -> list[UnitOfWork | Fault]:
    return collect(Stream.of(uows).through(schedule_event(OPTIONS, scheduler)))


def test_each_request_becomes_a_schedule_targeting_the_bus() -> None:
    scheduler = InMemoryScheduler(bus_arn="arn:bus", role_arn="arn:role")
    _run(scheduler, [_uow("a"), _uow("b")])
    assert sorted(scheduler.schedules) == [("default", "a"), ("default", "b")]
    target = scheduler.schedules[("default", "a")]["Target"]
    assert target == {"Input": '{"id":"a"}', "Arn": "arn:bus", "RoleArn": "arn:role"}
    assert scheduler.schedules[("default", "a")]["ActionAfterCompletion"] == "DELETE"


def test_each_uow_keeps_the_answer() -> None:
    [out] = _run(InMemoryScheduler(), [_uow("a")])
    assert isinstance(out, UnitOfWork)
    assert out[SCHEDULE_RESPONSE] == {
        "ScheduleArn": "arn:aws:scheduler:us-east-1:123456789012:schedule/default/a"
    }


def test_a_name_already_taken_is_a_fault_of_that_uow_only() -> None:
    out = _run(InMemoryScheduler(), [_uow("a"), _uow("a"), _uow("b")])
    assert [type(item) for item in out] == [UnitOfWork, Fault, UnitOfWork]
    assert isinstance(out[1], Fault)
    assert (out[1].name, out[1].retryable) == ("ScheduleConflict", False)


def test_a_timed_out_call_is_a_retryable_fault() -> None:
    scheduler = InMemoryScheduler(fail=lambda request: TimeoutError("read timed out"))
    [fault] = _run(scheduler, [_uow("a")])
    assert isinstance(fault, Fault)
    assert fault.retryable
    assert scheduler.schedules == {}


def test_a_uow_without_a_request_passes_through_in_place_and_order_is_kept() -> None:
    bare = UnitOfWork(record=JsonObject({"bare": True}))
    uows = [_uow(f"s{n}") for n in range(20)]
    uows.insert(5, bare)
    out = _run(InMemoryScheduler(), uows)
    assert out[5] is bare
    assert [u.record for u in out if isinstance(u, UnitOfWork) and u is not bare] == [
        JsonObject({"name": f"s{n}"}) for n in range(20)
    ]
