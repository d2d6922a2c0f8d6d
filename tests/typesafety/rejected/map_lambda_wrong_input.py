# expect: attr-defined
"""A lambda map step that treats the ints of a Stream[int] as strings."""

from lambda_stream import Stream

Stream.of([1, 2, 3]).map(lambda s: s.upper())  # error here
