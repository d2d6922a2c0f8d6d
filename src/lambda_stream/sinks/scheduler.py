"""Scheduling events: a one-time EventBridge Scheduler schedule per uow."""

from __future__ import annotations

from lambda_stream.connectors.scheduler import SchedulerPort
from lambda_stream.core.json import JsonObject
from lambda_stream.core.options import Options
from lambda_stream.core.uow import Key
from lambda_stream.sinks._batch import Sink
from lambda_stream.sinks._call import call_each

__all__ = ["SCHEDULE_REQUEST", "SCHEDULE_RESPONSE", "schedule_event"]

SCHEDULE_REQUEST: Key[JsonObject] = Key("scheduleRequest")
"""The ``CreateSchedule`` parameters: ``Name``, ``ScheduleExpression``, ``FlexibleTimeWindow``,
``Target`` (``Input``; ``Arn`` and ``RoleArn`` default to ``BUS_ARN`` and
``SCHEDULER_ROLE_ARN``), ..."""
SCHEDULE_RESPONSE: Key[JsonObject] = Key("scheduleResponse")
"""The scheduler's answer: ``ScheduleArn``."""


def schedule_event(
    options: Options,
    port: SchedulerPort,
    *,
    request: Key[JsonObject] = SCHEDULE_REQUEST,
    response: Key[JsonObject] = SCHEDULE_RESPONSE,
    parallel: int | None = None,
) -> Sink:
    """A sink creating the schedule each uow asks for (the JS library's ``scheduleEvent``).

    The connector fills in the target (the bus), the role and the key, and makes the
    schedule delete itself once it has run. Each uow keeps ``scheduleResponse``. A call that
    failed with throttling, a 5xx or a timeout (after the SDK's retries) is a retryable
    fault of its uow; any other failure (a name already taken, a bad expression) is a fault
    of that uow only. A uow without a request passes through untouched, in place; the uows
    keep their order.

    Args:
        options: the function's options (``PARALLEL``).
        port: the scheduler connector.
        request: where the request is in the uow.
        response: where the answer goes.
        parallel: calls in flight.
    """
    return call_each(
        request=request,
        response=response,
        call=port.create_schedule,
        parallel=parallel or options.parallel_for("scheduler"),
    )
