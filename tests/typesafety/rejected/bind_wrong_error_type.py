# expect: arg-type
"""bind given a Result whose failure is a str, not an Exception or a Fault."""

from returns.result import Failure, Result, Success

from lambda_stream import Stream


def parse(text: str) -> Result[int, str]:
    return Success(int(text)) if text.isdigit() else Failure(text)


Stream.of(["1", "x"]).bind(parse)  # error here
