# expect: arg-type
"""map_async given a synchronous function."""

from lambda_stream import Stream


def double(n: int) -> int:
    return n * 2


Stream.of([1, 2]).map_async(double, parallel=2)  # error here
