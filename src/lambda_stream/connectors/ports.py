"""The connectors of a function, one per service, each built on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.cloudwatch import CloudWatchConnector, CloudWatchPort
from lambda_stream.connectors.dynamodb import DynamoDBConnector, DynamoDBPort
from lambda_stream.connectors.eventbridge import EventBridgeConnector, EventBridgePort
from lambda_stream.connectors.firehose import FirehoseConnector, FirehosePort
from lambda_stream.connectors.kinesis import KinesisConnector, KinesisPort
from lambda_stream.connectors.lambda_ import LambdaConnector, LambdaPort
from lambda_stream.connectors.s3 import S3Connector, S3Port
from lambda_stream.connectors.scheduler import SchedulerConnector, SchedulerPort
from lambda_stream.connectors.secretsmanager import SecretsManagerConnector, SecretsManagerPort
from lambda_stream.connectors.sns import SnsConnector, SnsPort
from lambda_stream.connectors.sqs import SqsConnector, SqsPort
from lambda_stream.core.options import Options

__all__ = ["Ports"]

P = TypeVar("P")


class Ports:
    """The connector port of each AWS service the pipelines of a function use.

    Give the ports you want (in-memory fakes in tests, connectors with their own clients);
    any other is built from `connections` the first time a pipeline asks for it, so a
    function that never touches a service never builds its client. Build one per function,
    at import, and hand it to `initialize`; flavors find their ports here.

    >>> from lambda_stream import resolve_options
    >>> from lambda_stream.testing import InMemoryDynamoDB
    >>> fake = InMemoryDynamoDB()
    >>> Ports(resolve_options({}), dynamodb=fake).dynamodb is fake
    True
    """

    def __init__(
        self,
        options: Options | None = None,
        *,
        connections: Connections | None = None,
        dynamodb: DynamoDBPort | None = None,
        eventbridge: EventBridgePort | None = None,
        kinesis: KinesisPort | None = None,
        sqs: SqsPort | None = None,
        sns: SnsPort | None = None,
        s3: S3Port | None = None,
        firehose: FirehosePort | None = None,
        cloudwatch: CloudWatchPort | None = None,
        lambda_: LambdaPort | None = None,
        secretsmanager: SecretsManagerPort | None = None,
        scheduler: SchedulerPort | None = None,
    ) -> None:
        self._options = options
        self._connections = connections
        self._given: dict[str, object] = {
            name: port
            for name, port in (
                ("dynamodb", dynamodb),
                ("eventbridge", eventbridge),
                ("kinesis", kinesis),
                ("sqs", sqs),
                ("sns", sns),
                ("s3", s3),
                ("firehose", firehose),
                ("cloudwatch", cloudwatch),
                ("lambda", lambda_),
                ("secretsmanager", secretsmanager),
                ("scheduler", scheduler),
            )
            if port is not None
        }
        self._built: list[str] = []  # names of the ports built here, which close() closes
        self._owns_connections = connections is None
        self._lock = threading.Lock()

    @property
    def connections(self) -> Connections:
        """The shared session and thread pool of the connectors built here."""
        if self._connections is None:
            with self._lock:
                if self._connections is None:
                    self._connections = Connections(self._options)
        return self._connections

    def _port(self, name: str, build: Callable[[Connections], P]) -> P:
        port = self._given.get(name)
        if port is None:
            with self._lock:
                port = self._given.get(name)
            if port is None:
                built = build(self.connections)
                with self._lock:
                    port = self._given.setdefault(name, built)
                    if port is built:
                        self._built.append(name)
        return port  # type: ignore[return-value]  # stored under its own name by this class

    def close(self) -> None:
        """Close the clients of the connectors built here, and the thread pool if built here.

        A function keeps its ports for its lifetime; this is for code that builds functions
        and ends them (a local run, a test). Ports given to the constructor are left to their
        owner; a port asked for afterwards is built again.
        """
        with self._lock:
            built = [self._given.pop(name) for name in self._built]
            self._built.clear()
        for connector in built:
            close = getattr(getattr(connector, "client", None), "close", None)
            if callable(close):
                close()
        if self._owns_connections and self._connections is not None:
            self._connections.close()

    @property
    def dynamodb(self) -> DynamoDBPort:
        """DynamoDB."""
        return self._port("dynamodb", DynamoDBConnector)

    @property
    def eventbridge(self) -> EventBridgePort:
        """EventBridge."""
        return self._port("eventbridge", EventBridgeConnector)

    @property
    def kinesis(self) -> KinesisPort:
        """Kinesis."""
        return self._port("kinesis", KinesisConnector)

    @property
    def sqs(self) -> SqsPort:
        """SQS."""
        return self._port("sqs", SqsConnector)

    @property
    def sns(self) -> SnsPort:
        """SNS."""
        return self._port("sns", SnsConnector)

    @property
    def s3(self) -> S3Port:
        """S3."""
        return self._port("s3", S3Connector)

    @property
    def firehose(self) -> FirehosePort:
        """Firehose."""
        return self._port("firehose", FirehoseConnector)

    @property
    def cloudwatch(self) -> CloudWatchPort:
        """CloudWatch."""
        return self._port("cloudwatch", CloudWatchConnector)

    @property
    def lambda_(self) -> LambdaPort:
        """Lambda."""
        return self._port("lambda", LambdaConnector)

    @property
    def secretsmanager(self) -> SecretsManagerPort:
        """Secrets Manager."""
        return self._port("secretsmanager", SecretsManagerConnector)

    @property
    def scheduler(self) -> SchedulerPort:
        """EventBridge Scheduler."""
        return self._port("scheduler", SchedulerConnector)
