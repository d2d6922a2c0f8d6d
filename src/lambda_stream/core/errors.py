"""Which errors are worth retrying: the one place the library decides it.

A *retryable* error (throttling, a 5xx answer, a timeout) says nothing about the record: the
same work would likely succeed later, so its records fail (a partial batch response, or the
invocation raises) and Lambda delivers them again. Every other error is a *fault* of that uow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = ["InvocationError", "RetryableError", "is_retryable"]

THROTTLING_CODES: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES: Final = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalServiceError",
        "KMSInternalException",
    }
)
_TRANSIENT_TYPES: Final = frozenset(
    {
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "EndpointConnectionError",
        "ConnectionClosedError",
        "ProxyConnectionError",
    }
)


class InvocationError(RuntimeError):
    """The batch failed as a whole: the handler raises it so Lambda delivers the batch again."""


class RetryableError(Exception):
    """Raise this from a step when the work should be retried later rather than faulted."""


def is_retryable(error: BaseException) -> bool:
    """Whether `error` is throttling, a server-side (5xx) failure or a timeout.

    botocore's errors are recognised by their shape, so this module needs no AWS import.

    >>> is_retryable(TimeoutError()), is_retryable(ValueError("bad input"))
    (True, False)
    """
    if isinstance(error, RetryableError | TimeoutError):
        return True
    if type(error).__name__ in _TRANSIENT_TYPES:
        return True
    response = getattr(error, "response", None)
    if not isinstance(response, Mapping):
        return False
    details = response.get("Error")
    code = details.get("Code") if isinstance(details, Mapping) else None
    if code in THROTTLING_CODES or code in TRANSIENT_CODES:
        return True
    metadata = response.get("ResponseMetadata")
    status = metadata.get("HTTPStatusCode") if isinstance(metadata, Mapping) else None
    return isinstance(status, int) and (status >= 500 or status == 429)
