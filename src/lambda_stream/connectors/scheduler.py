"""EventBridge Scheduler: create one-time schedules that put an event on the bus."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from lambda_stream.connectors._aws import Connections, frozen_response
from lambda_stream.connectors._requests import plain_request
from lambda_stream.core.json import JsonObject, JsonValue

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_scheduler.type_defs import CreateScheduleOutputTypeDef

__all__ = ["SchedulerConnector", "SchedulerPort", "schedule_request"]


class SchedulerPort(Protocol):
    """Creates schedules."""

    async def create_schedule(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """``CreateSchedule`` with the defaults of `schedule_request`; ``{ScheduleArn}``.

        Raises:
            Exception: the call failed (after the SDK's own retries), e.g. the name is taken.
        """
        ...


def schedule_request(
    request: Mapping[str, JsonValue],
    *,
    bus_arn: str | None,
    role_arn: str | None,
    kms_key_arn: str | None,
) -> dict[str, JsonValue]:
    """The ``CreateSchedule`` parameters the JS library sends for `request`.

    ``Target.Arn`` defaults to the bus, ``Target.RoleArn`` to the scheduler's role,
    ``KmsKeyArn`` to the master key, and the schedule always deletes itself once it has run
    (``ActionAfterCompletion: DELETE``): these are one-time, per-event schedules.

    >>> schedule_request({"Name": "n", "Target": {"Input": "{}"}},
    ...                  bus_arn="bus", role_arn="role", kms_key_arn=None)
    {'Name': 'n', 'Target': {'Input': '{}', 'Arn': 'bus', 'RoleArn': 'role'}, \
'ActionAfterCompletion': 'DELETE'}
    """
    params = plain_request(request)
    given = params.get("Target")
    target: dict[str, JsonValue] = dict(given) if isinstance(given, dict) else {}
    _default(target, "Arn", bus_arn)
    _default(target, "RoleArn", role_arn)
    params["Target"] = target
    params["ActionAfterCompletion"] = "DELETE"
    _default(params, "KmsKeyArn", kms_key_arn)
    return params


def _default(params: dict[str, JsonValue], name: str, value: str | None) -> None:
    # JS `given || default`: an empty value counts as missing too.
    if not params.get(name):
        if value:
            params[name] = value
        else:
            params.pop(name, None)


class SchedulerConnector:
    """`SchedulerPort` over a boto3 client, on the shared thread pool of `connections`.

    The defaults come from the options (``BUS_ARN``, ``SCHEDULER_ROLE_ARN``,
    ``MASTER_KEY_ARN``) unless given here.
    """

    def __init__(
        self,
        connections: Connections | None = None,
        *,
        client: EventBridgeSchedulerClient | None = None,
        bus_arn: str | None = None,
        role_arn: str | None = None,
        kms_key_arn: str | None = None,
    ) -> None:
        self.connections = connections or Connections()
        options = self.connections.options
        self.client: EventBridgeSchedulerClient = client or self.connections.session.client(
            "scheduler",
            config=self.connections.config("scheduler"),
            endpoint_url=self.connections.endpoint_url,
        )
        self.bus_arn = bus_arn or options.bus_arn
        self.role_arn = role_arn or options.scheduler_role_arn
        self.kms_key_arn = kms_key_arn or options.master_key_arn

    async def create_schedule(self, request: Mapping[str, JsonValue]) -> JsonObject:
        """Create the schedule (see `SchedulerPort.create_schedule`)."""
        params = schedule_request(
            request, bus_arn=self.bus_arn, role_arn=self.role_arn, kms_key_arn=self.kms_key_arn
        )
        create: Callable[..., CreateScheduleOutputTypeDef] = self.client.create_schedule
        response = await self.connections.run(create, **params)
        return frozen_response(response)
