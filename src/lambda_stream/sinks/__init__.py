"""Sinks: the steps that end a pipeline with a write, one service per module.

Each reads its request from the uow under the JS field name and adds the answer; the keys are
in the sink's module (several services share a JS name, such as ``putRequest``).
"""

from lambda_stream.sinks._batch import Sink
from lambda_stream.sinks.cloudwatch import put_metrics
from lambda_stream.sinks.dynamodb import (
    batch_write_dynamodb,
    delete_dynamodb,
    put_dynamodb,
    update_dynamodb,
)
from lambda_stream.sinks.eventbridge import publish_to_event_bridge
from lambda_stream.sinks.firehose import send_to_firehose
from lambda_stream.sinks.kinesis import publish_to_kinesis
from lambda_stream.sinks.lambda_ import (
    LambdaFunctionError,
    create_event_source_mapping,
    delete_event_source_mapping,
    invoke_lambda,
    update_event_source_mapping,
)
from lambda_stream.sinks.s3 import copy_s3_object, delete_object_from_s3, put_object_to_s3
from lambda_stream.sinks.scheduler import schedule_event
from lambda_stream.sinks.sns import publish_to_sns
from lambda_stream.sinks.sqs import send_to_sqs

__all__ = [
    "LambdaFunctionError",
    "Sink",
    "batch_write_dynamodb",
    "copy_s3_object",
    "create_event_source_mapping",
    "delete_dynamodb",
    "delete_event_source_mapping",
    "delete_object_from_s3",
    "invoke_lambda",
    "publish_to_event_bridge",
    "publish_to_kinesis",
    "publish_to_sns",
    "put_dynamodb",
    "put_metrics",
    "put_object_to_s3",
    "schedule_event",
    "send_to_firehose",
    "send_to_sqs",
    "update_dynamodb",
    "update_event_source_mapping",
]
