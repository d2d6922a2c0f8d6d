"""boto3 answers written back as the API's JSON carries them.

botocore parses timestamps into ``datetime`` and base64 members into ``bytes``. Readers that
hand records on (the local event-source mapping builds Lambda events from them) want the wire
form instead: epoch seconds and base64 text, which is also what Lambda's events hold.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime

from lambda_stream.core.json import JsonObject, _adopt_object

__all__ = ["api_json", "api_object"]


def api_json(value: object) -> object:
    """`value` with dates as epoch seconds and bytes as base64 text, containers copied.

    >>> from datetime import timezone
    >>> api_json({"at": datetime(1970, 1, 1, 0, 0, 2, tzinfo=timezone.utc), "b": [b"A"]})
    {'at': 2.0, 'b': ['QQ==']}
    """
    if isinstance(value, dict):
        return {key: api_json(member) for key, member in value.items()}
    if isinstance(value, list | tuple):
        return [api_json(member) for member in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return value


def api_object(value: Mapping[str, object]) -> JsonObject:
    """`api_json` of a boto3 mapping, frozen (the copy is adopted, not copied again)."""
    return _adopt_object({key: api_json(member) for key, member in value.items()})
