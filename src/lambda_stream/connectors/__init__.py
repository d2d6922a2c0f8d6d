"""Connectors: the only code that calls AWS, one service per module, each behind a port.

A port is a ``Protocol`` with async methods; the connector implements it over an injected boto3
client, on the thread pool of a shared `Connections`; ``lambda_stream.testing`` has an in-memory
fake of every port.
"""

from lambda_stream.connectors._aws import Connections
from lambda_stream.connectors.cloudwatch import CloudWatchConnector, CloudWatchPort
from lambda_stream.connectors.dynamodb import ConditionFailed, DynamoDBConnector, DynamoDBPort
from lambda_stream.connectors.dynamodbstreams import DynamoDBStreamsConnector, DynamoDBStreamsPort
from lambda_stream.connectors.eventbridge import EventBridgeConnector, EventBridgePort
from lambda_stream.connectors.firehose import FirehoseConnector, FirehosePort
from lambda_stream.connectors.kinesis import KinesisConnector, KinesisPort, KinesisReaderPort
from lambda_stream.connectors.lambda_ import LambdaConnector, LambdaPort
from lambda_stream.connectors.ports import Ports
from lambda_stream.connectors.s3 import NoSuchKey, S3Connector, S3Object, S3Port
from lambda_stream.connectors.scheduler import SchedulerConnector, SchedulerPort
from lambda_stream.connectors.secretsmanager import SecretsManagerConnector, SecretsManagerPort
from lambda_stream.connectors.shards import IteratorType, RecordsPage, Shard
from lambda_stream.connectors.sns import SnsConnector, SnsPort
from lambda_stream.connectors.sqs import SqsConnector, SqsPort, SqsReceiverPort

__all__ = [
    "CloudWatchConnector",
    "CloudWatchPort",
    "ConditionFailed",
    "Connections",
    "DynamoDBConnector",
    "DynamoDBPort",
    "DynamoDBStreamsConnector",
    "DynamoDBStreamsPort",
    "EventBridgeConnector",
    "EventBridgePort",
    "FirehoseConnector",
    "FirehosePort",
    "IteratorType",
    "KinesisConnector",
    "KinesisPort",
    "KinesisReaderPort",
    "LambdaConnector",
    "LambdaPort",
    "NoSuchKey",
    "Ports",
    "RecordsPage",
    "S3Connector",
    "S3Object",
    "S3Port",
    "SchedulerConnector",
    "SchedulerPort",
    "SecretsManagerConnector",
    "SecretsManagerPort",
    "Shard",
    "SnsConnector",
    "SnsPort",
    "SqsConnector",
    "SqsPort",
    "SqsReceiverPort",
]
