# expect: arg-type
"""A mapper returning an expression string, not a request object."""

from lambda_stream import UnitOfWork
from lambda_stream.flavors import MaterializeRule


async def to_update_request(uow: UnitOfWork, rule: MaterializeRule) -> str:
    return "SET #n = :n"


RULE = MaterializeRule(id="m1", event_type="thing-created", to_update_request=to_update_request)  # error here
