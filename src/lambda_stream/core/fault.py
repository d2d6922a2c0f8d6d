"""A fault: a failure that travels the stream as a value, carrying the work it belongs to."""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import final

from lambda_stream.core.errors import is_retryable
from lambda_stream.core.uow import UnitOfWork

__all__ = ["Fault"]


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Fault:
    """A failed step on one element of a stream.

    Every stream operator passes a Fault through untouched, so it reaches the fault tail, which
    publishes a non-retryable fault as a ``fault`` event and fails the records of a retryable one.

    Attributes:
        uows: the uow the failing element was, or the members of the batch it stood for.
        name: the error's type name, as in ``err.name`` of a JS fault event.
        message: the error's message.
        stack: the formatted traceback.
        retryable: whether retrying the records later may succeed (throttling, 5xx, timeout).
        subject: the element the failing step received.
        error: the exception, when there was one.
    """

    uows: tuple[UnitOfWork, ...]
    name: str
    message: str
    stack: str = ""
    retryable: bool = False
    subject: object = field(default=None, compare=False, repr=False)
    error: BaseException | None = field(default=None, compare=False, repr=False)

    @staticmethod
    def of(error: BaseException, subject: object, *, retryable: bool | None = None) -> Fault:
        """The fault for `error` raised while a step handled `subject`.

        `retryable` defaults to the library's error policy (`is_retryable`).
        """
        return Fault(
            uows=uows_of(subject),
            name=type(error).__name__,
            message=str(error),
            stack="".join(traceback.format_exception(error)).rstrip("\n"),
            retryable=is_retryable(error) if retryable is None else retryable,
            subject=subject,
            error=error,
        )

    @property
    def pipeline(self) -> str | None:
        """The pipeline the failing uow was in, if any."""
        return self.uows[0].pipeline if self.uows else None

    def expand(self) -> tuple[Fault, ...]:
        """One fault per member uow (a batch fails member by member)."""
        if len(self.uows) <= 1:
            return (self,)
        return tuple(
            Fault(
                uows=(uow,),
                name=self.name,
                message=self.message,
                stack=self.stack,
                retryable=self.retryable,
                subject=uow,
                error=self.error,
            )
            for uow in self.uows
        )


def uows_of(subject: object) -> tuple[UnitOfWork, ...]:
    """The uows an element stands for: a uow (its batch members), or those inside a batch."""
    if isinstance(subject, UnitOfWork):
        return subject.members()
    if isinstance(subject, tuple | list):
        return tuple(_flatten(subject))
    return ()


def _flatten(items: Iterable[object]) -> Iterable[UnitOfWork]:
    for item in items:
        if isinstance(item, UnitOfWork):
            yield from item.members()
        elif isinstance(item, tuple | list):
            yield from _flatten(item)
