"""The fault proxy's view of the AWS wire: which call a request is, and errors in its protocol.

botocore 1.44 speaks five protocol families to the services the library uses: JSON 1.0/1.1
(``X-Amz-Target``: DynamoDB, Streams, Kinesis, EventBridge, Firehose, SQS, CloudWatch), query
(form ``Action=``: SNS), rest-xml (S3), rest-json (Lambda) and, for other SDKs, smithy RPC v2
CBOR (``/service/X/operation/Op``: CloudWatch). An injected error must be rendered the way the
service itself would, or botocore cannot read its code and classify it as throttling.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

__all__: list[str] = []

_SCOPE: Final = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_CBOR_PATH: Final = re.compile(r"^/service/[^/]+/operation/([^/?]+)")

# The SigV4 signing names that differ from the boto3 client names rules are written with.
_SIGNING_NAMES: Final = {"monitoring": "cloudwatch"}

_QUERY_NS: Final = {"sns": "http://sns.amazonaws.com/doc/2010-03-31/"}


@dataclass(frozen=True, slots=True)
class Call:
    """One request as the proxy understands it.

    Attributes:
        method: the HTTP method.
        target: the request target, path and query.
        service: the boto3 client name (``dynamodb``, ``dynamodbstreams``, ``cloudwatch``...),
            or ``""`` for an unsigned request.
        operation: the API operation, or ``"METHOD /path"`` for the REST protocols.
        protocol: ``json``, ``cbor``, ``query``, ``rest-xml`` or ``rest-json``.
        content_type: the request's content type, echoed by JSON error responses.
        query_compatible: the client sent ``x-amzn-query-mode`` (SQS, CloudWatch): errors also
            carry their code in ``x-amzn-query-error``.
    """

    method: str
    target: str
    service: str
    operation: str
    protocol: str
    content_type: str = ""
    query_compatible: bool = False


def classify(method: str, target: str, headers: Mapping[str, str], body: bytes) -> Call:
    """Identify the service, operation and protocol of a request.

    Args:
        method: the HTTP method.
        target: the request target (path and query).
        headers: the request headers, with lower-case names.
        body: the request body, already de-chunked.
    """
    parts = urlsplit(target)
    scope = _SCOPE.search(headers.get("authorization", ""))
    query = parse_qs(parts.query)
    if scope is not None:
        signed = scope.group(1)
    else:
        credential = query.get("X-Amz-Credential", [""])[0].split("/")
        signed = credential[3] if len(credential) > 3 else ""
    service = _SIGNING_NAMES.get(signed, signed)
    content_type = headers.get("content-type", "")
    amz_target = headers.get("x-amz-target", "")
    if amz_target:
        prefix, _, operation = amz_target.rpartition(".")
        if prefix.startswith("DynamoDBStreams"):  # Streams signs as dynamodb
            service = "dynamodbstreams"
        return Call(
            method=method,
            target=target,
            service=service,
            operation=operation,
            protocol="json",
            content_type=content_type,
            query_compatible="x-amzn-query-mode" in headers,
        )
    cbor = _CBOR_PATH.match(parts.path)
    if cbor is not None:
        return Call(method, target, service, cbor.group(1), "cbor", content_type)
    action = query.get("Action")
    if action is None and content_type.startswith("application/x-www-form-urlencoded"):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    if action:
        return Call(method, target, service, action[0], "query", content_type)
    protocol = "rest-xml" if service == "s3" else "rest-json"
    return Call(method, target, service, f"{method} {parts.path}", protocol, content_type)


def render_error(
    call: Call, status: int, code: str, message: str, request_id: str
) -> tuple[list[tuple[str, str]], bytes]:
    """The headers and body of error `code` as the service of `call` would send it."""
    headers = [("x-amzn-RequestId", request_id)]
    fault = "Sender" if status < 500 else "Receiver"
    if call.protocol == "json":
        headers.append(("Content-Type", call.content_type or "application/x-amz-json-1.1"))
        if call.query_compatible:
            headers.append(("x-amzn-query-error", f"{code};{fault}"))
        body = {"__type": f"com.amazonaws.{call.service}#{code}", "message": message}
        return headers, json.dumps(body).encode()
    if call.protocol == "cbor":
        headers += [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
        if call.query_compatible:
            headers.append(("x-amzn-query-error", f"{code};{fault}"))
        return headers, cbor_encode({"__type": code, "message": message})
    if call.protocol == "query":
        namespace = _QUERY_NS.get(call.service, "https://aws.amazon.com/")
        xml = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>{fault}</Type>'
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return [*headers, ("Content-Type", "text/xml")], xml.encode()
    if call.protocol == "rest-xml":
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        )
        # S3 names its request id x-amz-request-id; a HEAD response has no body to read.
        s3_headers = [("x-amz-request-id", request_id), ("Content-Type", "application/xml")]
        return s3_headers, b"" if call.method == "HEAD" else xml.encode()
    body = {"Type": "User" if status < 500 else "Service", "message": message}
    headers += [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)]
    return headers, json.dumps(body).encode()


def cbor_encode(value: object) -> bytes:
    """Encode a JSON-like value as CBOR (RFC 8949), definite lengths only.

    Just enough for smithy RPC v2 error bodies: maps, arrays, text, bytes, integers,
    floats, booleans and null.

    >>> cbor_encode({"a": [1, -2, "x"]}).hex()
    'a161618301216178'
    """
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list | tuple):
        return _head(4, len(value)) + b"".join(cbor_encode(item) for item in value)
    if isinstance(value, dict):
        items = b"".join(cbor_encode(str(k)) + cbor_encode(v) for k, v in value.items())
        return _head(5, len(value)) + items
    raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


def _head(major: int, argument: int) -> bytes:
    """A CBOR item head: the major type and its argument in the shortest form."""
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if argument < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, argument)
    raise ValueError("CBOR integers are limited to 64 bits")
