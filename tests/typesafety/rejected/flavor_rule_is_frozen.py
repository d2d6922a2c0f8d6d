# expect: misc
# message: is read-only
"""Changing a rule after it was built: rules are immutable records."""

from lambda_stream.flavors import CdcRule

RULE = CdcRule(id="c1", event_type="thing-created")
RULE.bus_name = "other-bus"  # error here
