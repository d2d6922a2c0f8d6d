"""What the batch fakes share: entries refused on chosen attempts, retries that do not wait."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeAlias

from lambda_stream.core.json import JsonObject

__all__ = ["Attempts", "Refuse", "ServiceError", "answers_in_order", "no_wait"]

Refuse: TypeAlias = Callable[[JsonObject, int], str | None]
"""``refuse(entry, attempt)``: an error code to fail the entry on that attempt (0 first), or
None to accept it."""


class Attempts:
    """Counts the attempts at each entry and asks `refuse` whether to fail it this time."""

    def __init__(self, refuse: Refuse | None) -> None:
        self.refuse = refuse
        self._seen: dict[int, int] = {}

    def refusal(self, entry: JsonObject) -> str | None:
        """The error code to fail `entry` with on this attempt, or None."""
        attempt = self._seen.get(id(entry), 0)
        self._seen[id(entry)] = attempt + 1
        return self.refuse(entry, attempt) if self.refuse else None


def answers_in_order(
    batch: Iterable[JsonObject], attempts: Attempts, accept: Callable[[JsonObject], dict[str, str]]
) -> tuple[list[dict[str, str]], int]:
    """Each entry's answer, in order, and how many entries were refused.

    For the services answering entry by entry in order (EventBridge, Kinesis, Firehose). A
    refused entry's answer is its ``ErrorCode`` and ``ErrorMessage``; any other is stored by
    `accept`, whose result is its answer.
    """
    answers: list[dict[str, str]] = []
    refused = 0
    for entry in batch:
        code = attempts.refusal(entry)
        if code:
            answers.append({"ErrorCode": code, "ErrorMessage": f"{code} (fake)"})
            refused += 1
        else:
            answers.append(accept(entry))
    return answers, refused


class ServiceError(Exception):
    """A whole call a fake refused, shaped like botocore's ``ClientError`` (``response``)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message or 'refused by the fake'}")
        self.response = {"Error": {"Code": code, "Message": message}}


async def no_wait(seconds: float) -> None:
    """Retry at once: a fake has nothing to wait for."""
