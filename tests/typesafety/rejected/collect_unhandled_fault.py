# expect: operator
"""Using collected elements as values without handling the Faults among them."""

from lambda_stream import Stream
from lambda_stream.testing import collect

totals = [n + 1 for n in collect(Stream.of([1, 2]))]  # error here
