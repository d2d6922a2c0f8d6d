"""Sources: a Lambda event in, a `Stream[UnitOfWork]` out, one module per trigger."""

from lambda_stream.sources.alarm import ALARM_EVENT_TYPE, from_alarm
from lambda_stream.sources.cognito import DEFAULT_COGNITO_PREFIX, from_cognito
from lambda_stream.sources.cron import SCHEDULED_EVENT_TYPE, from_cron
from lambda_stream.sources.dynamodb import (
    ddb_approximate_creation_timestamp,
    from_dynamodb,
    out_global_table_extra_modify,
    out_replicas,
    out_ttl_expired_events,
)
from lambda_stream.sources.eventbridge import from_eventbridge
from lambda_stream.sources.firehose import (
    FIREHOSE_RECORD_ID,
    FIREHOSE_RESULT,
    FirehoseResult,
    from_firehose,
)
from lambda_stream.sources.kinesis import from_kinesis
from lambda_stream.sources.s3 import (
    GET_REQUEST,
    GET_RESPONSE,
    S3EventError,
    from_s3,
    from_s3_event,
    from_sqs_sns_s3,
)
from lambda_stream.sources.sns import from_sns
from lambda_stream.sources.sqs import from_sqs, from_sqs_event

__all__ = [
    "ALARM_EVENT_TYPE",
    "DEFAULT_COGNITO_PREFIX",
    "FIREHOSE_RECORD_ID",
    "FIREHOSE_RESULT",
    "GET_REQUEST",
    "GET_RESPONSE",
    "SCHEDULED_EVENT_TYPE",
    "FirehoseResult",
    "S3EventError",
    "ddb_approximate_creation_timestamp",
    "from_alarm",
    "from_cognito",
    "from_cron",
    "from_dynamodb",
    "from_eventbridge",
    "from_firehose",
    "from_kinesis",
    "from_s3",
    "from_s3_event",
    "from_sns",
    "from_sqs",
    "from_sqs_event",
    "from_sqs_sns_s3",
    "out_global_table_extra_modify",
    "out_replicas",
    "out_ttl_expired_events",
]
