"""Calling a handler as Lambda does for an event-source mapping, and reading its answer."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from lambda_stream.core.context import LambdaContext

__all__ = [
    "BatchResponseError",
    "Handler",
    "Invoke",
    "LocalLambdaContext",
    "Outcome",
    "call_handler",
    "failed_items",
]

Handler: TypeAlias = Callable[[dict[str, object], LambdaContext], object]
"""A Lambda handler: ``handler(event, context)``, returning the response (or None)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalLambdaContext:
    """The context object of a local invocation, with the members of Lambda's Python runtime.

    Attributes:
        function_name: the function's name.
        invoked_function_arn: the function's ARN.
        aws_request_id: a fresh id per invocation.
        timeout_s: how long the invocation may take; `get_remaining_time_in_millis` counts it down.
        memory_limit_in_mb: the memory the function is given (informational).
        function_version: always ``$LATEST``.
    """

    function_name: str
    invoked_function_arn: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    timeout_s: float = 900.0
    memory_limit_in_mb: int = 128
    function_version: str = "$LATEST"
    identity: None = None
    client_context: None = None
    _started: float = field(default_factory=time.monotonic, init=False, repr=False)

    @property
    def log_group_name(self) -> str:
        """The log group Lambda would write to."""
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        """A log stream name in Lambda's form."""
        return f"{time.strftime('%Y/%m/%d')}/[$LATEST]{self.aws_request_id.replace('-', '')}"

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the invocation would time out."""
        left = self.timeout_s - (time.monotonic() - self._started)
        return max(0, int(left * 1000))


Invoke: TypeAlias = Callable[[list[dict[str, object]], frozenset[str]], "Outcome"]
"""Calls the function with a batch of Lambda records and the item identifiers of the batch."""


class BatchResponseError(ValueError):
    """The function's answer fails the whole batch, as Lambda reads it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What one invocation came to.

    Attributes:
        failed_items: the ``itemIdentifier`` of each record the function reported failed.
        error: why the whole batch failed (the handler raised, or answered something Lambda
            reads as a failure of the batch); None when it did not.
    """

    failed_items: tuple[str, ...] = ()
    error: BaseException | None = None

    @property
    def succeeded(self) -> bool:
        """Whether every record of the batch was handled."""
        return self.error is None and not self.failed_items


def call_handler(
    handler: Handler,
    records: Sequence[Mapping[str, object]],
    context: LambdaContext,
    *,
    identifiers: Collection[str],
    report_batch_item_failures: bool,
) -> Outcome:
    """``handler({"Records": records}, context)``, and what its answer means to Lambda.

    With `report_batch_item_failures` (``FunctionResponseTypes: [ReportBatchItemFailures]``),
    the batch succeeded when the answer is empty or lists no ``batchItemFailures``; it failed
    as a whole when an entry has no ``itemIdentifier`` or one not in `identifiers`. Without
    it, only raising fails the batch. An answer that is not JSON fails the batch either way.

    >>> def handler(event, context):
    ...     return {"batchItemFailures": [{"itemIdentifier": "2"}]}
    >>> context = LocalLambdaContext(function_name="f", invoked_function_arn="arn:f")
    >>> call_handler(handler, [{}], context, identifiers={"1", "2"},
    ...              report_batch_item_failures=True).failed_items
    ('2',)
    """
    try:
        response = handler({"Records": [dict(record) for record in records]}, context)
        json.dumps(response)  # Lambda serializes the answer; one that is not JSON fails
    except Exception as error:
        return Outcome(error=error)
    if not report_batch_item_failures or not isinstance(response, Mapping):
        return Outcome()
    try:
        return Outcome(failed_items=failed_items(response, identifiers))
    except BatchResponseError as error:
        return Outcome(error=error)


def failed_items(response: Mapping[str, object], identifiers: Collection[str]) -> tuple[str, ...]:
    """The identifiers a partial batch response names, in its order.

    Raises:
        BatchResponseError: an entry is not ``{"itemIdentifier": ID}`` with an ID of the batch.
    """
    listed = response.get("batchItemFailures")
    if listed is None:
        return ()
    if not isinstance(listed, list):
        raise BatchResponseError(f"batchItemFailures is not a list: {listed!r:.80}")
    out: list[str] = []
    for entry in listed:
        identifier = entry.get("itemIdentifier") if isinstance(entry, Mapping) else None
        if not isinstance(identifier, str) or not identifier:
            raise BatchResponseError(f"a batch item failure has no itemIdentifier: {entry!r:.80}")
        if identifier not in identifiers:
            raise BatchResponseError(f"itemIdentifier {identifier!r} is not in the batch")
        out.append(identifier)
    return tuple(out)
