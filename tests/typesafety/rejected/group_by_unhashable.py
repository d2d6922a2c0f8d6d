# expect: type-var
"""group_by with a key function returning an unhashable list."""

from lambda_stream import Stream

Stream.of([1, 2]).group_by(lambda n: [n % 2])  # error here
