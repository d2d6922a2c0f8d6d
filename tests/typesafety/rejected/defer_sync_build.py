# expect: arg-type
"""Stream.defer given a synchronous builder."""

from lambda_stream import Stream


def build() -> Stream[int]:
    return Stream.of([1])


Stream.defer(build)  # error here
