# expect: arg-type
# message: "event_type"
"""An event type that is none of a string, a regex, a list of strings or a test of the type."""

from lambda_stream.flavors import CdcRule

RULE = CdcRule(id="c1", event_type={"thing-created": True})  # error here
