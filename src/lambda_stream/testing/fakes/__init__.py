"""In-memory fakes of the connector ports, one module per service, for tests of pipelines."""

from lambda_stream.testing.fakes.cloudwatch import InMemoryCloudWatch
from lambda_stream.testing.fakes.dynamodb import InMemoryDynamoDB
from lambda_stream.testing.fakes.dynamodbstreams import InMemoryDynamoDBStreams
from lambda_stream.testing.fakes.eventbridge import InMemoryEventBridge
from lambda_stream.testing.fakes.firehose import InMemoryFirehose
from lambda_stream.testing.fakes.kinesis import InMemoryKinesis
from lambda_stream.testing.fakes.lambda_ import InMemoryLambda
from lambda_stream.testing.fakes.s3 import InMemoryS3, NoSuchKey
from lambda_stream.testing.fakes.scheduler import InMemoryScheduler
from lambda_stream.testing.fakes.secretsmanager import InMemorySecretsManager
from lambda_stream.testing.fakes.sns import InMemorySns
from lambda_stream.testing.fakes.sqs import InMemorySqs

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
]
