"""The event source of a local event-source mapping, named by its ARN or queue URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias
from urllib.parse import urlsplit

__all__ = ["EventSource", "SourceKind", "event_source"]

SourceKind: TypeAlias = Literal["dynamodb", "kinesis", "sqs"]
"""What a mapping reads: a DynamoDB stream, a Kinesis stream or an SQS queue."""

_DEFAULT_REGION: Final = "us-east-1"
# sqs.eu-west-1.amazonaws.com (current) and eu-west-1.queue.amazonaws.com (legacy).
_SQS_HOST: Final = re.compile(r"^(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com")


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSource:
    """A stream or queue, with what Lambda's events say about it.

    Attributes:
        kind: DynamoDB stream, Kinesis stream or SQS queue.
        arn: the ARN Lambda writes into ``eventSourceARN``.
        region: the region of the source (``awsRegion``).
        account: the account that owns it.
        name: the table, stream or queue name.
        queue_url: the URL to call SQS with (queues only).
    """

    kind: SourceKind
    arn: str
    region: str
    account: str
    name: str
    queue_url: str | None = None


def event_source(
    source: str, *, endpoint_url: str | None = None, region: str | None = None
) -> EventSource:
    """The event source `source` names: a stream ARN, a queue ARN or a queue URL.

    >>> event_source("arn:aws:kinesis:eu-west-1:123456789012:stream/ingest").name
    'ingest'
    >>> event_source("http://127.0.0.1:5000/123456789012/q", region="eu-west-1").arn
    'arn:aws:sqs:eu-west-1:123456789012:q'

    Args:
        source: the ARN, or the queue URL.
        endpoint_url: where SQS is called instead of AWS; a queue ARN's URL is built on it.
        region: the region of a queue URL that does not say (a local endpoint's).

    Raises:
        ValueError: `source` names no DynamoDB stream, Kinesis stream or SQS queue.
    """
    if source.startswith(("http://", "https://")):
        return _queue_url(source, region)
    parts = source.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise ValueError(f"not a stream ARN, queue ARN or queue URL: {source!r}")
    _, _, service, where, account, resource = parts
    if service == "dynamodb" and re.fullmatch(r"table/[^/]+/stream/.+", resource):
        return EventSource(
            kind="dynamodb", arn=source, region=where, account=account, name=resource.split("/")[1]
        )
    if service == "kinesis" and resource.startswith("stream/"):
        name = resource.removeprefix("stream/")
        return EventSource(kind="kinesis", arn=source, region=where, account=account, name=name)
    if service == "sqs" and resource and "/" not in resource:
        base = endpoint_url.rstrip("/") if endpoint_url else f"https://sqs.{where}.amazonaws.com"
        return EventSource(
            kind="sqs",
            arn=source,
            region=where,
            account=account,
            name=resource,
            queue_url=f"{base}/{account}/{resource}",
        )
    raise ValueError(f"not a DynamoDB stream, Kinesis stream or SQS queue ARN: {source!r}")


def _queue_url(url: str, region: str | None) -> EventSource:
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) != 2:
        raise ValueError(f"a queue URL ends in /ACCOUNT/NAME: {url!r}")
    account, name = segments
    host = _SQS_HOST.match(parts.hostname or "")
    where = (host.group(1) or host.group(2)) if host else (region or _DEFAULT_REGION)
    return EventSource(
        kind="sqs",
        arn=f"arn:aws:sqs:{where}:{account}:{name}",
        region=where,
        account=account,
        name=name,
        queue_url=url,
    )
