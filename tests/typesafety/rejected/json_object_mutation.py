# expect: index
"""Mutating a JsonObject in place."""

from lambda_stream import JsonObject

obj = JsonObject({"id": "t1"})
obj["k"] = 1  # error here
