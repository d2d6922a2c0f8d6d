"""moto in server mode inside the test process, and the pytest fixtures built on it.

Every boto3 client of a test, the code under test's included, then talks real HTTP to one moto
server per test session, wiped before each test (about 11 ms). Register the fixtures with
``pytest_plugins = ["lambda_stream.testing.moto"]`` in the root ``conftest.py``, or import
them into any ``conftest.py``::

    from lambda_stream.testing.moto import aws, fault_proxy, instant_backoff, moto_server

then::

    def test_put(aws: LocalAws) -> None:
        aws.client("sqs").create_queue(QueueName="out")  # or any boto3.client("sqs")

moto is a dev dependency (``moto[...]``, ``flask``, ``flask-cors``): it is imported only when a
server starts. Do not use moto's ``mock_aws`` in the same test: it shares the server's
backends, wipes them on entry and exit, and intercepts the HTTP client.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final, Literal, overload

import pytest

from lambda_stream.testing.faultproxy import FaultProxy
from lambda_stream.testing.motoserver import MotoServer

if TYPE_CHECKING:
    from botocore.client import BaseClient
    from botocore.config import Config
    from botocore.retries.standard import ExponentialBackoff, RetryContext
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_firehose import FirehoseClient
    from mypy_boto3_kinesis import KinesisClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

__all__ = [
    "LocalAws",
    "MotoServer",
    "aws",
    "fault_proxy",
    "instant_backoff",
    "moto_server",
]

_ACCOUNT: Final = "123456789012"
"""The account moto answers for, whatever the credentials."""


@dataclass(frozen=True, slots=True)
class LocalAws:
    """An AWS endpoint for tests, and the dummy identity clients use with it.

    Attributes:
        endpoint_url: where clients go (moto, or a `FaultProxy` in front of it).
        region: the region clients sign for.
        account: the account the emulator answers for.
        access_key_id: a dummy access key (moto ignores signatures).
        secret_access_key: a dummy secret key.
    """

    endpoint_url: str
    region: str = "us-east-1"
    account: str = _ACCOUNT
    access_key_id: str = "testing"
    secret_access_key: str = "testing"

    def via(self, endpoint_url: str) -> LocalAws:
        """The same identity at another endpoint, e.g. ``aws.via(fault_proxy.url)``."""
        return replace(self, endpoint_url=endpoint_url)

    @overload
    def client(
        self, service: Literal["cloudwatch"], *, config: Config | None = None
    ) -> CloudWatchClient: ...
    @overload
    def client(
        self, service: Literal["dynamodb"], *, config: Config | None = None
    ) -> DynamoDBClient: ...
    @overload
    def client(
        self, service: Literal["dynamodbstreams"], *, config: Config | None = None
    ) -> DynamoDBStreamsClient: ...
    @overload
    def client(
        self, service: Literal["events"], *, config: Config | None = None
    ) -> EventBridgeClient: ...
    @overload
    def client(
        self, service: Literal["firehose"], *, config: Config | None = None
    ) -> FirehoseClient: ...
    @overload
    def client(
        self, service: Literal["kinesis"], *, config: Config | None = None
    ) -> KinesisClient: ...
    @overload
    def client(
        self, service: Literal["lambda"], *, config: Config | None = None
    ) -> LambdaClient: ...
    @overload
    def client(self, service: Literal["s3"], *, config: Config | None = None) -> S3Client: ...
    @overload
    def client(self, service: Literal["sns"], *, config: Config | None = None) -> SNSClient: ...
    @overload
    def client(self, service: Literal["sqs"], *, config: Config | None = None) -> SQSClient: ...
    @overload
    def client(self, service: str, *, config: Config | None = None) -> BaseClient: ...
    def client(self, service: str, *, config: Config | None = None) -> BaseClient:
        """A boto3 client of `service` bound to this endpoint, region and identity.

        Args:
            service: the boto3 service name.
            config: botocore options, e.g. ``Config(retries={"total_max_attempts": 1})``.
        """
        import boto3  # only connectors import boto3 when the library runs

        # boto3's default session caches the service models: a client of a new session costs
        # 0.2 s, one of the default session 10 ms. The identity is passed explicitly.
        # The stubs type client() per literal service name; any name is fine at run time.
        make: Callable[..., BaseClient] = boto3.client
        return make(
            service,
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            config=config,
        )


def _isolate(monkeypatch: pytest.MonkeyPatch, local: LocalAws) -> None:
    """Point every boto3 client at `local`, whatever the environment and ``~/.aws`` say."""
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL_") or name in (
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_ENDPOINT_URL", local.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", local.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", local.secret_access_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", local.region)
    monkeypatch.setenv("AWS_REGION", local.region)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One moto server for the whole test session."""
    with MotoServer() as server:
        yield server


@pytest.fixture
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> LocalAws:
    """A wiped moto, with every boto3 client of the test routed to it.

    Sets ``AWS_ENDPOINT_URL``, dummy credentials and ``AWS_DEFAULT_REGION``/``AWS_REGION``,
    and hides any profile, per-service endpoint and ``~/.aws`` file, for this test only.
    """
    moto_server.reset()
    local = LocalAws(endpoint_url=moto_server.url)
    _isolate(monkeypatch, local)
    return local


@pytest.fixture
def fault_proxy(aws: LocalAws) -> Iterator[FaultProxy]:
    """A `FaultProxy` in front of the test's moto, with no rules yet.

    Only clients sent to ``fault_proxy.url`` (``aws.via(fault_proxy.url).client(...)``)
    go through it; ``AWS_ENDPOINT_URL`` still names moto itself.
    """
    with FaultProxy(aws.endpoint_url).start() as proxy:
        yield proxy


def _no_delay(self: ExponentialBackoff, context: RetryContext) -> float:
    return 0.0


@pytest.fixture
def instant_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make botocore's standard-mode retries immediate.

    Its backoff waits up to ``random() * 2**attempt`` seconds after a throttle: 10 calls
    with every second attempt throttled took 5 s instead of 0.04 s.
    """
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", _no_delay)
