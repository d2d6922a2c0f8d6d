"""S3 notification events, direct or relayed through SNS and SQS, as Lambda delivers them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lambda_stream.core.json import JsonValue, dumps
from lambda_stream.testing._common import region

__all__ = ["to_s3_records", "to_sqs_sns_s3_records"]


def to_s3_records(
    notifications: Iterable[Mapping[str, JsonValue]], *, aws_region: str | None = None
) -> dict[str, object]:
    """A Lambda S3 event with one record per notification, shaped as the JS helper shapes it.

    A notification is the ``s3`` member of a record: ``{bucket: {name}, object: {key, ...}}``.
    The region is `aws_region`, else the configured region, else ``us-west-2``.

    >>> notification = {"bucket": {"name": "b"}, "object": {"key": "k"}}
    >>> to_s3_records([notification], aws_region="us-west-2")["Records"][0]
    {'eventSource': 'aws:s3', 'awsRegion': 'us-west-2', \
'responseElements': {'x-amz-request-id': '0000000000000000'}, \
's3': {'bucket': {'name': 'b'}, 'object': {'key': 'k'}}}
    """
    where = region(aws_region)
    out = []
    for index, notification in enumerate(notifications):
        s3: dict[str, object] = {}
        for name in ("bucket", "object"):
            if name in notification:
                s3[name] = notification[name]
        out.append(
            {
                "eventSource": "aws:s3",
                "awsRegion": where,
                # string concatenation, as in the JS helper
                "responseElements": {"x-amz-request-id": f"000000000000000{index}"},
                "s3": s3,
            }
        )
    return {"Records": out}


def to_sqs_sns_s3_records(notifications: Iterable[Mapping[str, JsonValue]]) -> dict[str, object]:
    """A Lambda SQS event of one message: an SNS notification carrying S3 `notifications`.

    As the JS helper builds it, the message has nothing but its ``body``, the SNS notification
    nothing but its ``Message``, and each S3 record nothing but its ``s3`` member.

    >>> import json
    >>> [record] = to_sqs_sns_s3_records([{"bucket": {"name": "b"}, "object": {"key": "k"}}])[
    ...     "Records"
    ... ]
    >>> json.loads(json.loads(record["body"])["Message"])
    {'Records': [{'s3': {'bucket': {'name': 'b'}, 'object': {'key': 'k'}}}]}
    """
    message = dumps({"Records": [{"s3": notification} for notification in notifications]})
    return {"Records": [{"body": dumps({"Message": message})}]}
