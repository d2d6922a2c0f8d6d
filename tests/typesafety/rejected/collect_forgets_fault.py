# expect: assignment
"""collect()'s result taken as list[int], forgetting that elements may be Faults."""

from lambda_stream import Stream
from lambda_stream.testing import collect

numbers: list[int] = collect(Stream.of([1, 2]))  # error here
