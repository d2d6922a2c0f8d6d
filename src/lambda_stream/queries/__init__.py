"""Queries: read-side steps that add what they read to the uow."""

from lambda_stream.queries.claimcheck import (
    GET_CLAIM_CHECK_REQUEST,
    GET_CLAIM_CHECK_RESPONSE,
    ClaimCheckError,
    claim_check_location,
    redeem_claim_checks,
    with_claim_checks_redeemed,
)

__all__ = [
    "GET_CLAIM_CHECK_REQUEST",
    "GET_CLAIM_CHECK_RESPONSE",
    "ClaimCheckError",
    "claim_check_location",
    "redeem_claim_checks",
    "with_claim_checks_redeemed",
]
