# expect: arg-type
"""A sink for uows, given a Stream[int] through `through`."""

from lambda_stream import Stream, UnitOfWork


def publish(stream: Stream[UnitOfWork]) -> Stream[UnitOfWork]:
    return stream


Stream.of([1, 2]).through(publish)  # error here
