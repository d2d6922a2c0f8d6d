"""SQS events as Lambda delivers them, built from message bodies or from Events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonValue
from lambda_stream.testing._common import payload, region

__all__ = ["to_sqs_event_records", "to_sqs_records"]

# The JS helper's SentTimestamp when a message has none.
DEFAULT_SENT_TIMESTAMP = "1545082649183"


def to_sqs_records(
    messages: Iterable[Mapping[str, JsonValue]], *, aws_region: str | None = None
) -> dict[str, object]:
    """A Lambda SQS event with one record per message, shaped as the JS helper shapes it.

    A message is ``{body, timestamp, region}``, each optional: ``timestamp`` becomes
    ``attributes.SentTimestamp``; a message without a region gets `aws_region`, else the
    configured region, else ``us-west-2``.

    >>> event = to_sqs_records([{"body": "hello"}], aws_region="us-west-2")
    >>> event["Records"][0]["messageId"], event["Records"][0]["attributes"]
    ('00000000-0000-0000-0000-000000000000', {'SentTimestamp': '1545082649183'})
    """
    where = region(aws_region)
    out = []
    for index, message in enumerate(messages):
        record: dict[str, object] = {
            "eventSource": "aws:sqs",
            # string concatenation, as in the JS helper: index 10 gives 13 trailing digits
            "messageId": f"00000000-0000-0000-0000-00000000000{index}",
        }
        if "body" in message:
            record["body"] = message["body"]
        record["attributes"] = {
            "SentTimestamp": _or(message.get("timestamp"), DEFAULT_SENT_TIMESTAMP)
        }
        record["awsRegion"] = _or(message.get("region"), where)
        out.append(record)
    return {"Records": out}


def to_sqs_event_records(
    events: Iterable[Event | Mapping[str, JsonValue]], *, aws_region: str | None = None
) -> dict[str, object]:
    """A Lambda SQS event whose message bodies are `events`, as the JS helper writes them.

    The body is the event's JSON (members over 10 KiB compressed); ``SentTimestamp`` is the
    event's ``timestamp`` and ``awsRegion`` its ``tags.region`` when it has them.

    >>> event = to_sqs_event_records([{"id": "1", "type": "thing-created", "timestamp": 5}])
    >>> event["Records"][0]["body"], event["Records"][0]["attributes"]
    ('{"id":"1","type":"thing-created","timestamp":5}', {'SentTimestamp': 5})
    """
    messages: list[dict[str, JsonValue]] = []
    for event in events:
        if isinstance(event, Event):
            timestamp: JsonValue = event.timestamp
            tags: JsonValue = event.tags
        else:
            timestamp, tags = event.get("timestamp"), event.get("tags")
        messages.append(
            {
                "body": payload(event),
                "timestamp": timestamp,
                "region": tags.get("region") if isinstance(tags, Mapping) else None,
            }
        )
    return to_sqs_records(messages, aws_region=aws_region)


def _or(value: JsonValue, default: JsonValue) -> JsonValue:
    """JavaScript's ``value || default``: `default` when `value` is falsy in JavaScript."""
    falsy = (
        value is None
        or value is False
        or value == ""
        or (
            isinstance(value, int | float) and (value == 0 or value != value)  # 0, -0, NaN
        )
    )
    return default if falsy else value
