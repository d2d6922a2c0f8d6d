"""Queries: read-side steps that add what they read to the uow."""

from lambda_stream.queries.claimcheck import (
    ClaimCheckError,
    claim_check_location,
    redeem_claim_checks,
    with_claim_checks_redeemed,
)
from lambda_stream.queries.dynamodb import (
    batch_get_dynamodb,
    query_all_dynamodb,
    query_split_dynamodb,
    scan_split_dynamodb,
    to_get_request,
    to_index_query_request,
    to_pk_query_request,
)
from lambda_stream.queries.lambda_ import list_event_source_mappings
from lambda_stream.queries.s3 import (
    get_object_from_s3,
    head_s3_object,
    list_objects_from_s3,
    split_s3_object,
)
from lambda_stream.queries.secretsmanager import SecretError, get_secrets

__all__ = [
    "ClaimCheckError",
    "SecretError",
    "batch_get_dynamodb",
    "claim_check_location",
    "get_object_from_s3",
    "get_secrets",
    "head_s3_object",
    "list_event_source_mappings",
    "list_objects_from_s3",
    "query_all_dynamodb",
    "query_split_dynamodb",
    "redeem_claim_checks",
    "scan_split_dynamodb",
    "split_s3_object",
    "to_get_request",
    "to_index_query_request",
    "to_pk_query_request",
    "with_claim_checks_redeemed",
]
