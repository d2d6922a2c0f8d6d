"""An in-memory EventBridge Scheduler port."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lambda_stream.connectors.scheduler import schedule_request
from lambda_stream.core.json import JsonObject, JsonValue

__all__ = ["InMemoryScheduler", "ScheduleConflict"]


class ScheduleConflict(RuntimeError):
    """A schedule of that name exists in the group (the scheduler answers ``Conflict``)."""


class InMemoryScheduler:
    """A `SchedulerPort` keeping the schedules created, by ``(GroupName, Name)``.

    It fills in the defaults the real connector does (bus, role, key, delete after
    completion). `fail(request)` may return an exception for a call to raise instead.

    >>> import asyncio
    >>> scheduler = InMemoryScheduler(bus_arn="arn:bus", role_arn="arn:role")
    >>> _ = asyncio.run(scheduler.create_schedule({"Name": "n", "Target": {"Input": "{}"}}))
    >>> scheduler.schedules[("default", "n")]["Target"]
    {'Input': '{}', 'Arn': 'arn:bus', 'RoleArn': 'arn:role'}
    """

    def __init__(
        self,
        *,
        bus_arn: str | None = None,
        role_arn: str | None = None,
        kms_key_arn: str | None = None,
        fail: Callable[[Mapping[str, object]], BaseException | None] | None = None,
    ) -> None:
        self.schedules: dict[tuple[str, str], dict[str, JsonValue]] = {}
        self.calls: list[dict[str, JsonValue]] = []
        self.bus_arn, self.role_arn, self.kms_key_arn = bus_arn, role_arn, kms_key_arn
        self.fail = fail

    async def create_schedule(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Keep the schedule; `ScheduleConflict` when its name is taken in its group."""
        params = schedule_request(
            request, bus_arn=self.bus_arn, role_arn=self.role_arn, kms_key_arn=self.kms_key_arn
        )
        self.calls.append(params)
        error = self.fail(params) if self.fail is not None else None
        if error is not None:
            raise error
        group, name = str(params.get("GroupName") or "default"), str(params.get("Name"))
        if (group, name) in self.schedules:
            raise ScheduleConflict(f"Schedule {name} already exists.")
        self.schedules[(group, name)] = params
        arn = f"arn:aws:scheduler:us-east-1:123456789012:schedule/{group}/{name}"
        return JsonObject({"ScheduleArn": arn})
