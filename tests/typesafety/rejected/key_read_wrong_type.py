# expect: assignment
"""Reading a Key[int] as a str."""

from lambda_stream import Key, UnitOfWork

COUNT = Key[int]("count")
UOW = UnitOfWork(record=None).set(COUNT, 3)

name: str = UOW[COUNT]  # error here
