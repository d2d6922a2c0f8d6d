"""The Lambda context object, as a Protocol (the runtime's own class is not importable)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["LambdaContext"]


class LambdaContext(Protocol):
    """What a handler may read from the Lambda context."""

    @property
    def function_name(self) -> str:
        """The function's name."""
        ...

    @property
    def aws_request_id(self) -> str:
        """The invocation's request id."""
        ...

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the invocation times out."""
        ...
