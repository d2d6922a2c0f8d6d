"""Helpers for testing pipelines: Lambda-shaped event builders, stream collection, fakes.

The moto server fixture and the fault-injecting proxy live in `lambda_stream.testing.moto` and
`lambda_stream.testing.faultproxy` (they need the dev dependencies).
"""

from lambda_stream.testing.dynamodb import to_dynamodb_records
from lambda_stream.testing.eventbridge import to_eventbridge_record
from lambda_stream.testing.fakes import (
    InMemoryCloudWatch,
    InMemoryDynamoDB,
    InMemoryDynamoDBStreams,
    InMemoryEventBridge,
    InMemoryFirehose,
    InMemoryKinesis,
    InMemoryLambda,
    InMemoryS3,
    InMemoryScheduler,
    InMemorySecretsManager,
    InMemorySns,
    InMemorySqs,
    NoSuchKey,
)
from lambda_stream.testing.firehose import to_firehose_records
from lambda_stream.testing.kinesis import to_kinesis_records
from lambda_stream.testing.s3 import to_s3_records, to_sqs_sns_s3_records
from lambda_stream.testing.sns import to_sns_records
from lambda_stream.testing.sqs import to_sqs_event_records, to_sqs_records
from lambda_stream.testing.streams import collect

__all__ = [
    "InMemoryCloudWatch",
    "InMemoryDynamoDB",
    "InMemoryDynamoDBStreams",
    "InMemoryEventBridge",
    "InMemoryFirehose",
    "InMemoryKinesis",
    "InMemoryLambda",
    "InMemoryS3",
    "InMemoryScheduler",
    "InMemorySecretsManager",
    "InMemorySns",
    "InMemorySqs",
    "NoSuchKey",
    "collect",
    "to_dynamodb_records",
    "to_eventbridge_record",
    "to_firehose_records",
    "to_kinesis_records",
    "to_s3_records",
    "to_sns_records",
    "to_sqs_event_records",
    "to_sqs_records",
    "to_sqs_sns_s3_records",
]
