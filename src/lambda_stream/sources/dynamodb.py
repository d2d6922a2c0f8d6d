"""DynamoDB Streams: each record is a change of an item, turned into a change (CDC) event.

The rules are the JavaScript library's, so that two services emitting from the same table agree:
the event type is the lower-cased ``discriminator`` (else ``sk``) of the image, then
``-created``, ``-updated`` or ``-deleted``; a soft delete (``deleted: true``) is ``-deleted``, its
reversal ``-undeleted``; ``raw`` holds the unmarshalled images. Replicas written in another
region, the extra MODIFY global tables emit and, on request, TTL expiries are dropped first.

>>> from lambda_stream.testing import collect
>>> from lambda_stream.testing.dynamodb import to_dynamodb_records
>>> records = to_dynamodb_records([{"timestamp": 1600000000, "keys": {"pk": "1", "sk": "thing"},
...     "newImage": {"pk": "1", "sk": "thing", "discriminator": "Thing", "n": 1}}])
>>> [uow] = collect(from_dynamodb(records))
>>> uow.event.to_dict()  # doctest: +NORMALIZE_WHITESPACE
{'id': '0', 'type': 'thing-created', 'timestamp': 1600000000000, 'partitionKey': '1',
 'tags': {'region': 'us-west-2'}, 'raw': {'new': {'pk': '1', 'sk': 'thing',
 'discriminator': 'Thing', 'n': 1}}}
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Final

from lambda_stream.core.event import Event
from lambda_stream.core.fault import Fault
from lambda_stream.core.json import thaw
from lambda_stream.core.options import configured_region
from lambda_stream.core.uow import UnitOfWork, _build
from lambda_stream.sources._records import RawRecords, RecordError, adopt, adopt_raw
from lambda_stream.stream import Stream
from lambda_stream.utils.dynamodb import _map

__all__ = [
    "ddb_approximate_creation_timestamp",
    "from_dynamodb",
    "out_global_table_extra_modify",
    "out_replicas",
    "out_ttl_expired_events",
]

_SUFFIXES: Final = {"INSERT": "created", "MODIFY": "updated", "REMOVE": "deleted"}
_V2_REGION: Final = "awsregion"  # global tables 2019.11.21: the writers stamp it
_V1_REGION: Final = "aws:rep:updateregion"  # global tables 2017.11.29: DynamoDB stamps it
_LEADING_INTEGER: Final = re.compile(r"\s*[+-]?[0-9]+")  # what JavaScript's parseInt reads

Image = dict[str, object]


def from_dynamodb(
    event: Mapping[str, object],
    *,
    pk: str = "pk",
    sk: str = "sk",
    discriminator: str = "discriminator",
    event_type_prefix: str | None = None,
    ignore_ttl_expired_events: bool = False,
    ignore_replicas: bool = True,
    prefer_approximate_timestamp: bool = False,
    region: str | None = None,
) -> Stream[UnitOfWork]:
    """The uows of a DynamoDB Streams event, one per change, each carrying its change event.

    The event: ``id`` is the record's ``eventID``; ``type`` is ``<prefix>-<suffix>`` (see the
    module); ``partitionKey`` is the string key `pk` (absent when it is not a string);
    ``timestamp`` is the new image's integer ``timestamp`` (epoch ms), else the record's
    ``ApproximateCreationDateTime`` in ms; ``tags`` is ``{region: awsRegion}``; ``raw`` is
    ``{new, old}``, the unmarshalled images (a side without an image is absent).

    A record that cannot become an event becomes a Fault carrying the raw record, and the rest
    of the batch flows on: a record that is not an object, has no ``dynamodb`` or no key `pk`,
    an unknown ``eventName``, an image without a string `discriminator` or `sk`, or no image at
    all (a ``KEYS_ONLY`` stream) unless `event_type_prefix` names the type.

    Args:
        event: the Lambda event; treated as read-only from here on.
        pk: the key attribute whose string value is the ``partitionKey``.
        sk: the attribute naming the type when the image has no `discriminator`.
        discriminator: the attribute naming the type (lower-cased).
        event_type_prefix: the type prefix of every event, instead of the image's.
        ignore_ttl_expired_events: drop the REMOVEs of TTL expiries (`out_ttl_expired_events`).
        ignore_replicas: drop the changes written in another region (`out_replicas`).
        prefer_approximate_timestamp: always take the timestamp from the record, not the image.
        region: this region, for `ignore_replicas`; by default the configured ``AWS_REGION``.
            With no region at all (only outside Lambda), no change can be told to be a
            replica and every one is kept; the JS library would drop every stamped change.
    """
    decode = _Decoder(
        pk=pk,
        sk=sk,
        discriminator=discriminator,
        event_type_prefix=event_type_prefix,
        ignore_ttl_expired_events=ignore_ttl_expired_events,
        region=(region or configured_region() or _NO_REGION) if ignore_replicas else _NO_REGION,
        prefer_approximate_timestamp=prefer_approximate_timestamp,
    )
    return Stream[UnitOfWork].of(RawRecords(event, "DynamoDB", decode))


_NO_REGION: Final = object()  # no region to tell replicas by: every change is kept


class _Decoder:
    """Decodes one record under the options of `from_dynamodb`."""

    __slots__ = (
        "discriminator",
        "event_type_prefix",
        "ignore_ttl_expired_events",
        "pk",
        "prefer_approximate_timestamp",
        "region",
        "sk",
    )

    def __init__(
        self,
        *,
        pk: str,
        sk: str,
        discriminator: str,
        event_type_prefix: str | None,
        ignore_ttl_expired_events: bool,
        region: object,
        prefer_approximate_timestamp: bool,
    ) -> None:
        self.pk = pk
        self.sk = sk
        self.discriminator = discriminator
        self.event_type_prefix = event_type_prefix
        self.ignore_ttl_expired_events = ignore_ttl_expired_events
        self.region = region
        self.prefer_approximate_timestamp = prefer_approximate_timestamp

    def __call__(self, record: object) -> UnitOfWork | Fault | None:
        """The uow of one record, a Fault carrying it, or None for a record filtered out."""
        try:
            if record.__class__ is not dict:
                if isinstance(record, Mapping):  # a frozen (or other) mapping: a plain copy
                    return self(thaw(record))
                raise RecordError("a DynamoDB record must be a JSON object")
            change = record.get("dynamodb")
            if change.__class__ is not dict:
                raise RecordError("record has no dynamodb object")
            new = _image(change, "NewImage")
            old = _image(change, "OldImage")
            if (
                (self.region is not _NO_REGION and not _is_local(new, old, self.region))
                or _is_extra_modify(new, old)
                or (self.ignore_ttl_expired_events and _is_ttl_expiry(record, change, old))
            ):
                return None
            event = Event._adopt(self._event(record, change, new, old))
        except Exception as error:
            return Fault.of(error, UnitOfWork(record=adopt_raw(record)))
        return _build(adopt(record), event)

    def _event(
        self,
        record: dict[str, object],
        change: dict[str, object],
        new: Image | None,
        old: Image | None,
    ) -> dict[str, object]:
        data: dict[str, object] = {
            "id": record.get("eventID"),
            "type": f"{self._prefix(new, old)}-{_suffix(record, new, old)}",
        }
        keys = change.get("Keys")
        key = keys.get(self.pk) if keys.__class__ is dict else None
        if key.__class__ is not dict:
            raise RecordError(f"record has no dynamodb.Keys.{self.pk}")
        partition_key = key.get("S")
        if partition_key.__class__ is str:  # a number or binary key gives no partitionKey, as in JS
            data["partitionKey"] = partition_key
        data["timestamp"] = self._timestamp(change, new)
        region = record.get("awsRegion")
        data["tags"] = {} if region is None else {"region": region}
        raw: dict[str, object] = {}
        if new is not None:
            raw["new"] = _map(new)
        if old is not None:
            raw["old"] = _map(old)
        data["raw"] = raw
        return data

    def _prefix(self, new: Image | None, old: Image | None) -> str:
        if self.event_type_prefix:
            return self.event_type_prefix
        image = new if new is not None else old
        if image is None:
            raise RecordError(
                "record has no NewImage or OldImage to take the event type from "
                "(a KEYS_ONLY stream?): stream the images, or give event_type_prefix"
            )
        name = self.discriminator
        attribute = image.get(name)
        if attribute is None:
            name = self.sk
            attribute = image.get(name)
            if attribute is None:
                raise RecordError(
                    f"image has neither '{self.discriminator}' nor '{self.sk}' for the event type"
                )
        text = attribute.get("S") if attribute.__class__ is dict else None
        if text.__class__ is not str:
            raise RecordError(f"image attribute '{name}' is not a string (S) for the event type")
        return text.lower()

    def _timestamp(self, change: Mapping[str, object], new: Image | None) -> int | float:
        if not self.prefer_approximate_timestamp and new is not None:
            stamp = new.get("timestamp")
            text = stamp.get("N") if stamp.__class__ is dict else None
            if text.__class__ is str:
                # parseInt(NewImage.timestamp.N) || approximate, as the JS library reads it
                if text.isascii() and text.isdigit():
                    millis = int(text)
                else:
                    match = _LEADING_INTEGER.match(text)
                    millis = 0 if match is None else int(match.group())
                if millis:
                    return millis
        return _approximate_millis(change)


def _image(change: dict[str, object], name: str) -> Image | None:
    image = change.get(name)
    if image is None or image.__class__ is dict:
        return image
    raise RecordError(f"record dynamodb.{name} is not an object")


def _suffix(record: dict[str, object], new: Image | None, old: Image | None) -> str:
    name = record.get("eventName")
    suffix = _SUFFIXES.get(name) if name.__class__ is str else None
    if suffix is None:
        raise RecordError(f"record has an unknown eventName {name!r:.40}")
    if suffix != "deleted":
        if new is not None and _flag(new.get("deleted")):
            return "deleted"  # a soft delete
        if old is not None and _flag(old.get("deleted")):
            return "undeleted"
    return suffix


def _flag(attribute: object) -> bool:
    return attribute.__class__ is dict and attribute.get("BOOL") is True


def _approximate_millis(change: Mapping[str, object]) -> int | float:
    seconds = change.get("ApproximateCreationDateTime")
    if seconds.__class__ is int:
        return seconds * 1000
    if seconds.__class__ is float and math.isfinite(seconds):
        millis = seconds * 1000
        return int(millis) if millis.is_integer() else millis
    if isinstance(seconds, Decimal) and seconds.is_finite():
        exact = seconds * 1000
        return int(exact) if exact == exact.to_integral_value() else float(exact)
    raise RecordError("record has no numeric dynamodb.ApproximateCreationDateTime")


def ddb_approximate_creation_timestamp(record: Mapping[str, object]) -> int | float:
    """The record's ``dynamodb.ApproximateCreationDateTime`` in epoch milliseconds.

    A stream of millisecond precision gives fractional seconds; they are multiplied as
    JavaScript does (IEEE doubles), and an integral result is an ``int``.

    >>> ddb_approximate_creation_timestamp({"dynamodb": {"ApproximateCreationDateTime": 1.5}})
    1500

    Raises:
        RecordError: the record has no numeric ``ApproximateCreationDateTime``.
    """
    change = _plain(record).get("dynamodb")
    if change.__class__ is not dict:
        raise RecordError("record has no dynamodb object")
    return _approximate_millis(change)


# -- record filters -----------------------------------------------------------------------


def out_replicas(
    ignore_replicas: bool, *, region: str | None = None
) -> Callable[[Mapping[str, object]], bool]:
    """A record filter keeping the changes written in this region (global tables).

    The image (new, else old) names its writer's region in ``awsregion`` (global tables v2:
    writers stamp it) or ``aws:rep:updateregion`` (v1); a change written elsewhere is a replica.
    Records without either attribute are kept.

    >>> keep = out_replicas(True, region="us-west-2")
    >>> keep({"dynamodb": {"NewImage": {"awsregion": {"S": "us-east-1"}}}})
    False

    Args:
        ignore_replicas: False keeps every record.
        region: this region; by default the configured ``AWS_REGION``. With no region at all
            (only outside Lambda), every record is kept.
    """
    here = region or configured_region()
    if not ignore_replicas or here is None:
        return _keep_all

    def keep(record: Mapping[str, object]) -> bool:
        new, old = _images(record)
        return _is_local(new, old, here)

    return keep


def out_global_table_extra_modify(record: Mapping[str, object]) -> bool:
    """A record filter dropping the extra MODIFY a global table emits when it stamps the region.

    >>> out_global_table_extra_modify({"dynamodb": {"NewImage": {"awsregion": {"S": "x"}},
    ...     "OldImage": {}}})
    False
    """
    new, old = _images(record)
    return not _is_extra_modify(new, old)


def out_ttl_expired_events(
    ignore_ttl_expired_events: bool,
) -> Callable[[Mapping[str, object]], bool]:
    """A record filter dropping the REMOVEs of TTL expiries.

    An expiry is a REMOVE by the DynamoDB service (``userIdentity``), or, with no
    ``userIdentity`` (a replicated expiry), one whose old ``ttl`` (epoch seconds) is not after
    the record's ``ApproximateCreationDateTime``.

    >>> expired = {"eventName": "REMOVE", "dynamodb": {"ApproximateCreationDateTime": 2,
    ...     "OldImage": {"ttl": {"N": "1"}}}}
    >>> out_ttl_expired_events(True)(expired), out_ttl_expired_events(False)(expired)
    (False, True)

    Args:
        ignore_ttl_expired_events: False keeps every record.
    """
    if not ignore_ttl_expired_events:
        return _keep_all

    def keep(record: Mapping[str, object]) -> bool:
        plain = _plain(record)
        change = plain.get("dynamodb")
        if change.__class__ is not dict:
            return True
        old = change.get("OldImage")
        return not _is_ttl_expiry(plain, change, old if old.__class__ is dict else None)

    return keep


def _keep_all(record: Mapping[str, object]) -> bool:
    return True


def _plain(record: object) -> dict[str, object]:
    if record.__class__ is dict:
        return record
    if isinstance(record, Mapping):
        return thaw(record)  # type: ignore[return-value]  # a Mapping thaws to a dict
    return {}


def _images(record: Mapping[str, object]) -> tuple[Image | None, Image | None]:
    """The record's images; a record of the wrong shape has none (the source faults it)."""
    change = _plain(record).get("dynamodb")
    if change.__class__ is not dict:
        return None, None
    new = change.get("NewImage")
    old = change.get("OldImage")
    return (
        new if new.__class__ is dict else None,
        old if old.__class__ is dict else None,
    )


def _is_local(new: Image | None, old: Image | None, region: object) -> bool:
    image = new if new is not None else old
    if image is None:
        return True
    # v2 first: an image in transition from v1 to v2 carries both, and v2 is the current one
    stamp = image.get(_V2_REGION)
    if stamp is None:
        stamp = image.get(_V1_REGION)
        if stamp is None:
            return True
    return stamp.__class__ is dict and stamp.get("S") == region


def _is_extra_modify(new: Image | None, old: Image | None) -> bool:
    if new is None or old is None:
        return False
    if new.get(_V2_REGION) is not None and old.get(_V2_REGION) is None:
        # an old image stamped by v1 is a change in the v1 to v2 transition, not the extra one
        return old.get(_V1_REGION) is None
    return new.get(_V1_REGION) is not None and old.get(_V1_REGION) is None


def _is_ttl_expiry(record: dict[str, object], change: dict[str, object], old: Image | None) -> bool:
    if record.get("eventName") != "REMOVE":
        return False
    identity = record.get("userIdentity")
    if identity is not None:
        return (
            identity.__class__ is dict
            and identity.get("type") == "Service"
            and identity.get("principalId") == "dynamodb.amazonaws.com"
        )
    # No userIdentity: a replicated expiry still shows in the old ttl (epoch seconds)
    ttl = old.get("ttl") if old is not None else None
    text = ttl.get("N") if ttl.__class__ is dict else None
    created = change.get("ApproximateCreationDateTime")
    if text.__class__ is not str or created.__class__ not in (int, float):
        return False
    try:
        return float(text) <= created
    except ValueError:  # not a number: JavaScript's NaN compares false
        return False
