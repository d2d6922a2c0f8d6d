# expect: arg-type
"""bind given a function that returns a plain value, not a Result."""

from lambda_stream import Stream


def parse(text: str) -> int:
    return int(text)


Stream.of(["1", "2"]).bind(parse)  # error here
