# expect: arg-type
# message: "event_field"
"""A cdc rule keeping its event under a key that does not hold an Event."""

from lambda_stream import JsonObject, Key
from lambda_stream.flavors import CdcRule

EMIT = Key[JsonObject]("emit")

RULE = CdcRule(id="c1", event_type="thing-created", event_field=EMIT)  # error here
