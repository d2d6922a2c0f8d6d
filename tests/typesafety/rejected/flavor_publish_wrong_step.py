# expect: arg-type
# message: "publish"
"""A publish step built from the options alone, where a flavor hands it the context and key."""

from lambda_stream import Options, Pipeline
from lambda_stream.flavors import CdcRule


def publish(options: Options) -> Pipeline:
    return lambda stream: stream


RULE = CdcRule(id="c1", event_type="thing-created", publish=publish)  # error here
