"""Running flavor rules the way a handler does, on in-memory ports."""

from __future__ import annotations

from collections.abc import Mapping

from lambda_stream import (
    Event,
    Fault,
    InMemoryFaultPublisher,
    Invocation,
    JsonValue,
    Rule,
    UnitOfWork,
    from_dynamodb,
    from_kinesis,
    initialize_from,
    resolve_options,
)
from lambda_stream.connectors.ports import Ports
from lambda_stream.testing import InMemoryDynamoDB, InMemoryEventBridge, to_kinesis_records
from lambda_stream.testing.dynamodb import to_dynamodb_records

ENV = {"AWS_REGION": "us-west-2", "BUS_NAME": "bus", "ENTITY_TABLE_NAME": "entities"}


class Ran:
    """A batch run through rules: the invocation and the fakes the rules wrote to."""

    def __init__(
        self,
        rules: list[Rule],
        event: Mapping[str, object],
        *,
        env: Mapping[str, str] | None = None,
        dynamodb: InMemoryDynamoDB | None = None,
        table_stream: bool = False,
    ) -> None:
        options = resolve_options({**ENV, **(env or {})})
        self.dynamodb = dynamodb or InMemoryDynamoDB()
        self.eventbridge = InMemoryEventBridge()
        ports = Ports(options, dynamodb=self.dynamodb, eventbridge=self.eventbridge)
        self.publisher = InMemoryFaultPublisher()
        pipelines = initialize_from(rules, options, publisher=self.publisher, ports=ports)
        head = from_dynamodb(event) if table_stream else from_kinesis(event)
        self.invocation: Invocation = pipelines.invoke(head)

    @property
    def uows(self) -> tuple[UnitOfWork, ...]:
        """What the pipelines let out."""
        return self.invocation.uows

    def faulted(self) -> list[str]:
        """The event ids of the uows that faulted."""
        return [_id(uow) for fault in self.invocation.faults for uow in fault.uows]

    def faults(self) -> tuple[Fault, ...]:
        """Every fault."""
        return self.invocation.faults

    def updates(self) -> list[Mapping[str, object]]:
        """The UpdateItem requests made, in order."""
        return [
            request.thaw() for operation, request in self.dynamodb.calls if operation == "update"
        ]


def events(*items: Mapping[str, JsonValue]) -> dict[str, object]:
    """A Kinesis event carrying `items`."""
    return to_kinesis_records(list(items))


def changes(*items: Mapping[str, JsonValue]) -> dict[str, object]:
    """A DynamoDB Streams event of the changes `items` (the JS helper's members)."""
    return to_dynamodb_records(list(items))


def _id(uow: UnitOfWork) -> str:
    event: Event | None = uow.event
    return event.id if event is not None else ""
