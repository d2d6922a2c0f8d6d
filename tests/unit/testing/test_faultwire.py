import json

from botocore.model import StructureShape
from botocore.parsers import QueryParser, RestJSONParser, RpcV2CBORParser

from lambda_stream.testing._faultwire import Call, cbor_encode, classify, render_error

NO_SHAPE = StructureShape("NoShape", {"type": "structure", "members": {}})
SIGNED = "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/{}/aws4_request, Signature=0"


def test_classify_reads_a_json_target() -> None:
    headers = {
        "authorization": SIGNED.format("kinesis"),
        "x-amz-target": "Kinesis_20131202.PutRecords",
    }

    call = classify("POST", "/", headers, b"{}")

    assert (call.service, call.operation, call.protocol) == ("kinesis", "PutRecords", "json")


def test_classify_names_dynamodb_streams_by_its_target() -> None:
    headers = {
        "authorization": SIGNED.format("dynamodb"),
        "x-amz-target": "DynamoDBStreams_20120810.GetRecords",
    }

    assert classify("POST", "/", headers, b"{}").service == "dynamodbstreams"


def test_classify_reads_a_query_action_from_the_form() -> None:
    headers = {
        "authorization": SIGNED.format("sns"),
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    }

    call = classify("POST", "/", headers, b"Action=PublishBatch&Version=2010-03-31")

    assert (call.service, call.operation, call.protocol) == ("sns", "PublishBatch", "query")


def test_classify_reads_a_cbor_path_and_the_cloudwatch_signing_name() -> None:
    headers = {"authorization": SIGNED.format("monitoring")}
    path = "/service/GraniteServiceVersion20100801/operation/PutMetricData"

    call = classify("POST", path, headers, b"")

    assert (call.service, call.operation, call.protocol) == ("cloudwatch", "PutMetricData", "cbor")


def test_classify_names_a_rest_call_by_method_and_path() -> None:
    call = classify("PUT", "/bucket/key?x=1", {"authorization": SIGNED.format("s3")}, b"")

    assert (call.operation, call.protocol) == ("PUT /bucket/key", "rest-xml")


def test_json_error_carries_the_query_code_for_query_compatible_services() -> None:
    call = Call("POST", "/", "sqs", "SendMessage", "json", "application/x-amz-json-1.0", True)

    headers, body = render_error(call, 400, "RequestThrottled", "slow", "rid")

    assert ("x-amzn-query-error", "RequestThrottled;Sender") in headers
    assert json.loads(body)["__type"] == "com.amazonaws.sqs#RequestThrottled"


def test_query_error_is_read_by_botocore_query_parser() -> None:
    call = Call("POST", "/", "sns", "Publish", "query")
    headers, body = render_error(call, 400, "Throttling", "slow", "rid")

    parsed = QueryParser().parse(
        {"status_code": 400, "headers": {k.lower(): v for k, v in headers}, "body": body}, NO_SHAPE
    )

    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == ("Throttling", "slow")


def test_rest_json_error_is_read_by_botocore_rest_json_parser() -> None:
    call = Call("GET", "/2015-03-31/functions", "lambda", "GET /2015-03-31/functions", "rest-json")
    headers, body = render_error(call, 429, "TooManyRequestsException", "slow", "rid")

    parsed = RestJSONParser().parse(
        {"status_code": 429, "headers": {k.lower(): v for k, v in headers}, "body": body}, NO_SHAPE
    )

    assert parsed["Error"]["Code"] == "TooManyRequestsException"


def test_cbor_encodes_what_botocore_decodes() -> None:
    value = {"s": "é", "n": [0, 23, 24, 65536, -1, -300], "f": 1.5, "b": b"\x00", "t": True}
    parser = RpcV2CBORParser()

    decoded = parser.parse_data_item(parser.get_peekable_stream_from_bytes(cbor_encode(value)))

    assert decoded == value
