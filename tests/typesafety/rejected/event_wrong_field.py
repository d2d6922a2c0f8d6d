# expect: arg-type
"""An Event constructed with a string timestamp (it is epoch milliseconds, an int)."""

from lambda_stream import Event

EVENT = Event(id="1", type="thing-created", timestamp="2024-01-01T00:00:00Z")  # error here
