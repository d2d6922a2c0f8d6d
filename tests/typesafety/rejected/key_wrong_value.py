# expect: misc
# message: Cannot infer value of type parameter "T" of "set" of "UnitOfWork"
"""Storing a str under a Key[int]."""

from lambda_stream import Key, UnitOfWork

COUNT = Key[int]("count")

UOW = UnitOfWork(record=None).set(COUNT, "three")  # error here
