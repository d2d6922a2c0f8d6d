"""Latency and whole-call errors, as boto3 sees them through the proxy."""

import contextlib
import http.client
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import StructureShape
from botocore.parsers import RpcV2CBORParser

from lambda_stream.testing.faultproxy import FaultProxy, InjectedError, Rule, throttling
from lambda_stream.testing.moto import LocalAws

NO_SHAPE = StructureShape("NoShape", {"type": "structure", "members": {}})
NO_RETRY = Config(retries={"total_max_attempts": 1})


def test_delay_makes_the_call_take_at_least_the_injected_latency(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    fault_proxy.add(Rule(service="sqs", delay_ms=40))
    sqs = aws.via(fault_proxy.url).client("sqs")
    sqs.list_queues()  # the first call also builds the connection pool

    started = time.perf_counter()
    sqs.list_queues()

    assert time.perf_counter() - started >= 0.040


def test_delay_range_is_drawn_within_its_bounds(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    fault_proxy.add(Rule(delay_ms=(1, 3)))
    sqs = aws.via(fault_proxy.url).client("sqs")

    for _ in range(5):
        sqs.list_queues()

    assert all(1 <= call.delay_ms <= 3 for call in fault_proxy.calls)


def test_calls_record_service_and_operation(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    via = aws.via(fault_proxy.url)
    via.client("dynamodb").list_tables()
    via.client("dynamodbstreams").list_streams()
    via.client("cloudwatch").list_metrics()
    via.client("sns").list_topics()
    via.client("s3").list_buckets()

    seen = [(call.service, call.operation, call.status) for call in fault_proxy.calls]

    assert seen == [
        ("dynamodb", "ListTables", 200),
        ("dynamodbstreams", "ListStreams", 200),
        ("cloudwatch", "ListMetrics", 200),
        ("sns", "ListTopics", 200),
        ("s3", "GET /", 200),
    ]


def test_rule_leaves_other_operations_alone(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    fault_proxy.add(Rule(service="sqs", operation="CreateQueue", error=throttling("sqs")))

    aws.via(fault_proxy.url).client("sqs", config=NO_RETRY).list_queues()

    assert fault_proxy.stats.errors == 0


def test_throttled_calls_are_retried_by_botocore_until_they_pass(
    aws: LocalAws, fault_proxy: FaultProxy, instant_backoff: None
) -> None:
    aws.client("dynamodb").create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    fault_proxy.add(Rule(operation="PutItem", error=throttling("dynamodb"), max_hits=2))

    aws.via(fault_proxy.url).client("dynamodb").put_item(TableName="t", Item={"pk": {"S": "a"}})

    assert [call.status for call in fault_proxy.calls] == [400, 400, 200]
    assert "Item" in aws.client("dynamodb").get_item(TableName="t", Key={"pk": {"S": "a"}})


def test_throttle_without_retries_raises_the_modeled_error(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    fault_proxy.add(Rule(service="dynamodb", error=throttling("dynamodb")))
    client = aws.via(fault_proxy.url).client("dynamodb", config=NO_RETRY)

    with pytest.raises(client.exceptions.ProvisionedThroughputExceededException):
        client.list_tables()


@pytest.mark.parametrize(
    ("service", "method", "code"),
    [
        ("cloudwatch", "list_metrics", "Throttling"),
        ("dynamodbstreams", "list_streams", "LimitExceededException"),
        ("events", "list_rules", "ThrottlingException"),
        ("firehose", "list_delivery_streams", "ThrottlingException"),
        ("kinesis", "list_streams", "ProvisionedThroughputExceededException"),
        ("lambda", "list_functions", "TooManyRequestsException"),
        ("s3", "list_buckets", "SlowDown"),
        ("sns", "list_topics", "Throttling"),
        ("sqs", "list_queues", "RequestThrottled"),
    ],
)
def test_throttling_is_read_with_its_code_in_each_protocol(
    aws: LocalAws, fault_proxy: FaultProxy, service: str, method: str, code: str
) -> None:
    fault_proxy.add(Rule(service=service, error=throttling(service)))
    client = aws.via(fault_proxy.url).client(service, config=NO_RETRY)

    with pytest.raises(ClientError) as raised:
        getattr(client, method)()

    assert raised.value.response["Error"]["Code"] == code


def test_throttling_in_every_protocol_is_retried_by_botocore(
    aws: LocalAws, fault_proxy: FaultProxy, instant_backoff: None
) -> None:
    via = aws.via(fault_proxy.url)
    for service in ("cloudwatch", "sns", "sqs", "kinesis", "lambda"):
        fault_proxy.add(Rule(service=service, error=throttling(service), max_hits=1))
    via.client("cloudwatch").list_metrics()
    via.client("sns").list_topics()
    via.client("sqs").list_queues()
    via.client("kinesis").list_streams()
    via.client("lambda").list_functions()

    assert [call.status for call in fault_proxy.calls] == [400, 200] * 4 + [429, 200]


def test_server_error_every_third_call(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    fault_proxy.add(Rule(service="sqs", every=3, error=InjectedError(500, "InternalError", "x")))
    sqs = aws.via(fault_proxy.url).client("sqs", config=NO_RETRY)
    outcomes = []

    for _ in range(6):
        try:
            sqs.list_queues()
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(str(error.response["ResponseMetadata"]["HTTPStatusCode"]))

    assert outcomes == ["ok", "ok", "500", "ok", "ok", "500"]


def test_skip_first_and_max_hits_bound_the_failing_calls(
    aws: LocalAws, fault_proxy: FaultProxy
) -> None:
    fault_proxy.add(Rule(service="sqs", error=throttling("sqs"), skip_first=1, max_hits=2))
    sqs = aws.via(fault_proxy.url).client("sqs", config=NO_RETRY)

    for _ in range(5):
        with contextlib.suppress(ClientError):
            sqs.list_queues()

    assert [call.status for call in fault_proxy.calls] == [200, 400, 400, 200, 200]


def test_probability_fires_on_some_calls_only(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    fault_proxy.add(Rule(service="sqs", error=throttling("sqs"), probability=0.5))
    sqs = aws.via(fault_proxy.url).client("sqs", config=NO_RETRY)

    for _ in range(20):
        with contextlib.suppress(ClientError):
            sqs.list_queues()

    assert 0 < fault_proxy.stats.errors < 20


def test_cbor_error_is_read_by_botocore_rpc_v2_parser(fault_proxy: FaultProxy) -> None:
    fault_proxy.add(Rule(service="cloudwatch", error=throttling("cloudwatch")))
    request = urllib.request.Request(
        f"{fault_proxy.url}/service/GraniteServiceVersion20100801/operation/PutMetricData",
        data=b"\xa0",
        method="POST",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/monitoring/"
            "aws4_request, SignedHeaders=host, Signature=0",
            "Content-Type": "application/cbor",
            "smithy-protocol": "rpc-v2-cbor",
        },
    )

    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    with raised.value as error:
        response = {"status_code": error.code, "headers": dict(error.headers), "body": error.read()}
    parsed = RpcV2CBORParser().parse(response, NO_SHAPE)

    assert parsed["Error"]["Code"] == "Throttling"
    assert fault_proxy.calls[0].operation == "PutMetricData"


def test_s3_objects_pass_through_the_proxy(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    aws.client("s3").create_bucket(Bucket="bucket")
    s3 = aws.via(fault_proxy.url).client("s3")

    s3.put_object(Bucket="bucket", Key="a/b.json", Body=b"hello")  # sends Expect: 100-continue

    head = s3.head_object(Bucket="bucket", Key="a/b.json")
    body = s3.get_object(Bucket="bucket", Key="a/b.json")["Body"].read()
    assert (head["ContentLength"], body) == (5, b"hello")


def test_path_regex_fails_only_matching_requests(aws: LocalAws, fault_proxy: FaultProxy) -> None:
    aws.client("s3").create_bucket(Bucket="bucket")
    fault_proxy.add(Rule(service="s3", path_regex=r"^PUT /bucket/hot/", error=throttling("s3")))
    s3 = aws.via(fault_proxy.url).client("s3", config=NO_RETRY)
    s3.put_object(Bucket="bucket", Key="cold/x", Body=b"1")

    with pytest.raises(ClientError) as raised:
        s3.put_object(Bucket="bucket", Key="hot/x", Body=b"1")

    assert raised.value.response["Error"]["Code"] == "SlowDown"


def test_chunked_request_body_is_forwarded_whole(fault_proxy: FaultProxy) -> None:
    address = urlsplit(fault_proxy.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port)
    headers = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/sqs/aws4_request",
        "X-Amz-Target": "AmazonSQS.CreateQueue",
        "Content-Type": "application/x-amz-json-1.0",
    }
    chunks = iter([b'{"QueueName"', b': "chunked"}'])
    try:
        connection.request("POST", "/", body=chunks, headers=headers, encode_chunked=True)
        answer = json.loads(connection.getresponse().read())
    finally:
        connection.close()

    assert answer["QueueUrl"].endswith("/chunked")
