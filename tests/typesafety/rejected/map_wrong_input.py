# expect: arg-type
"""A map step written for str, applied to a Stream[int]."""

from lambda_stream import Stream


def shout(text: str) -> str:
    return text.upper()


Stream.of([1, 2, 3]).map(shout)  # error here
