"""Claim checks: an event too large for the bus travels as a stub pointing at an S3 object.

A producer stores the full event in S3 and publishes ``{id, type, partitionKey, timestamp, tags,
s3: {bucket, key}}``; a consumer redeems the stub by reading the object and replacing the event
with it, as the JS library's ``redeemClaimcheck`` does.
"""

from __future__ import annotations

from collections.abc import Callable

from lambda_stream.connectors.s3 import S3Port
from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject
from lambda_stream.core.uow import Key, UnitOfWork
from lambda_stream.sources._records import parse_event
from lambda_stream.stream import Stream

__all__ = [
    "GET_CLAIM_CHECK_REQUEST",
    "GET_CLAIM_CHECK_RESPONSE",
    "ClaimCheckError",
    "claim_check_location",
    "redeem_claim_checks",
    "with_claim_checks_redeemed",
]

GET_CLAIM_CHECK_REQUEST: Key[JsonObject] = Key("getClaimCheckRequest")
"""The ``{Bucket, Key}`` a stub was redeemed from."""
GET_CLAIM_CHECK_RESPONSE: Key[JsonObject] = Key("getClaimCheckResponse")
"""The S3 response, ``Body`` as text."""


class ClaimCheckError(RuntimeError):
    """A claim-check stub could not be redeemed."""


def claim_check_location(event: Event) -> tuple[str, str] | None:
    """``(bucket, key)`` when `event` is a claim-check stub, else None.

    A stub carries nothing but the envelope and ``s3``; an event with an ``s3`` member and an
    entity beside it is a domain event, not a stub (the JS library takes any event with ``s3``
    for one).

    >>> stub = Event.from_dict({"id": "1", "type": "t", "s3": {"bucket": "b", "key": "k"}})
    >>> claim_check_location(stub)
    ('b', 'k')
    """
    members = event.extra._data  # per event on every read: a plain dict test
    if len(members) != 1 or "s3" not in members:
        return None
    pointer = event.extra.get_object("s3")
    bucket, key = pointer.get_str("bucket"), pointer.get_str("key")
    return (bucket, key) if bucket and key else None


def redeem_claim_checks(
    s3: S3Port | None, *, parallel: int = 8
) -> Callable[[Stream[UnitOfWork]], Stream[UnitOfWork]]:
    """A step replacing each claim-check stub's event with the event stored in S3.

    The uow keeps ``getClaimCheckRequest`` and ``getClaimCheckResponse``. Without an S3 port a
    stub becomes a fault (its record can be resubmitted once a port is configured); a uow that
    is not a stub passes untouched, without a trip through the event loop.
    """

    async def redeem(uow: UnitOfWork) -> UnitOfWork:
        location = claim_check_location(uow.event) if uow.event is not None else None
        if location is None:
            return uow
        if s3 is None:
            raise ClaimCheckError(
                f"event {uow.event.id if uow.event else '?'} is a claim check for "
                f"s3://{location[0]}/{location[1]} and no S3 port was given to redeem it"
            )
        bucket, key = location
        stored = await s3.get_object(Bucket=bucket, Key=key)
        text = stored.text()
        request = JsonObject({"Bucket": bucket, "Key": key})
        response = stored.response.set("Body", text)
        return (
            uow.with_event(parse_event(text, None))
            .set(GET_CLAIM_CHECK_REQUEST, request)
            .set(GET_CLAIM_CHECK_RESPONSE, response)
        )

    def step(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
        return stream.map_async(redeem, parallel=parallel)

    return step


def with_claim_checks_redeemed(
    decoded: Stream[UnitOfWork], s3: S3Port | None, *, parallel: int = 8
) -> Stream[UnitOfWork]:
    """`decoded`, its claim-check stubs redeemed; a batch without stubs costs one test per uow.

    Sources use it: it decodes the whole batch first (the fan-out does that anyway) and goes
    through the event loop only when a stub is there.
    """

    async def build() -> Stream[UnitOfWork]:
        items = await decoded.collect()
        if not any(
            isinstance(item, UnitOfWork)
            and item.event is not None
            and claim_check_location(item.event) is not None
            for item in items
        ):
            return Stream.of(items)
        return Stream.of(items).through(redeem_claim_checks(s3, parallel=parallel))

    return Stream.defer(build)
