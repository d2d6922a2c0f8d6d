# expect: arg-type
"""A mapper taking the event alone, where a flavor calls it with the uow and the rule."""

from lambda_stream import Event, JsonValue
from lambda_stream.flavors import UpdateRule


def to_update_request(event: Event) -> dict[str, JsonValue]:
    return {"Key": {"pk": event.id, "sk": "thing"}}


RULE = UpdateRule(id="u1", event_type="thing-created", to_update_request=to_update_request)  # error here
