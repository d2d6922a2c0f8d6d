# expect: call-arg
# message: Missing named argument "to_update_request"
"""A materialize rule without the mapper that builds its update."""

from lambda_stream.flavors import MaterializeRule

RULE = MaterializeRule(id="m1", event_type="thing-created", table_name="things")  # error here
