import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError

from lambda_stream.core.errors import InvocationError, RetryableError, is_retryable


def _client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": code},
            "ResponseMetadata": {
                "RequestId": "r1",
                "HostId": "h1",
                "HTTPStatusCode": status,
                "HTTPHeaders": {},
                "RetryAttempts": 0,
            },
        },
        "PutRecords",
    )


class ShapedError(Exception):
    """Has botocore's ``response`` shape without being a botocore class."""

    def __init__(self, response: object) -> None:
        super().__init__("shaped")
        self.response = response


class ReadTimeoutError(Exception):
    """Named like botocore's read timeout, not derived from it."""


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ThrottlingException", 400, True),
        ("ProvisionedThroughputExceededException", 400, True),
        ("TooManyRequestsException", 400, True),
        ("RequestLimitExceeded", 400, True),
        ("SlowDown", 503, True),
        ("InternalServerError", 500, True),
        ("ServiceUnavailable", 503, True),
        ("SomethingNew", 500, True),
        ("SomethingNew", 503, True),
        ("SomethingNew", 429, True),
        ("ValidationException", 400, False),
        ("ConditionalCheckFailedException", 400, False),
        ("AccessDeniedException", 403, False),
        ("ResourceNotFoundException", 404, False),
    ],
)
def test_a_client_error_is_retryable_by_code_or_status(
    code: str, status: int, expected: bool
) -> None:
    assert is_retryable(_client_error(code, status)) is expected


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"Error": {"Code": "ThrottlingException"}}, True),
        ({"ResponseMetadata": {"HTTPStatusCode": 502}}, True),
        (
            {"Error": {"Code": "ValidationException"}, "ResponseMetadata": {"HTTPStatusCode": 400}},
            False,
        ),
        ({"Error": "ThrottlingException"}, False),
        ({"ResponseMetadata": {"HTTPStatusCode": "500"}}, False),
        ({}, False),
        ("ThrottlingException", False),
        (None, False),
    ],
)
def test_an_error_is_recognised_by_its_response_shape(response: object, expected: bool) -> None:
    assert is_retryable(ShapedError(response)) is expected


@pytest.mark.parametrize(
    "error",
    [
        TimeoutError(),
        RetryableError("later"),
        ReadTimeoutError(),
        ConnectTimeoutError(endpoint_url="https://kinesis"),
    ],
)
def test_timeouts_and_retryable_errors_are_retryable(error: Exception) -> None:
    assert is_retryable(error) is True


@pytest.mark.parametrize("error", [ValueError("bad"), KeyError("k"), InvocationError("batch")])
def test_ordinary_errors_are_not_retryable(error: Exception) -> None:
    assert is_retryable(error) is False


def test_a_subclass_of_retryable_error_is_retryable() -> None:
    class Busy(RetryableError):
        pass

    assert is_retryable(Busy()) is True
