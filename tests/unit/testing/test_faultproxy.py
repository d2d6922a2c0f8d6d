import random

import pytest

from lambda_stream.testing._faultwire import Call
from lambda_stream.testing.faultproxy import InjectedError, Partial, Rule, throttling

BATCH_CALL = Call("POST", "/", "kinesis", "PutRecords", "json")


def test_rule_survives_a_json_round_trip() -> None:
    rule = Rule(
        service="kinesis",
        operation="PutRecords",
        path_regex="^POST /",
        delay_ms=(5.0, 20.0),
        error=InjectedError(503, "ServiceUnavailable", "down"),
        partial=Partial(indices=(0, 2), code="InternalFailure"),
        probability=0.5,
        every=2,
        skip_first=1,
        max_hits=3,
    )

    assert Rule.from_json(rule.to_json()) == rule


def test_rule_from_json_reads_a_delay_range_given_as_text() -> None:
    assert Rule.from_json({"delay_ms": "5-20"}).delay_ms == (5.0, 20.0)


def test_rule_from_json_reads_an_error_given_only_a_code() -> None:
    assert Rule.from_json({"error": {"code": "Boom"}}).error == InjectedError(400, "Boom")


def test_rule_from_json_refuses_unknown_keys() -> None:
    with pytest.raises(ValueError, match="unknown rule keys"):
        Rule.from_json({"servce": "sqs"})


def test_rule_from_json_refuses_a_wrongly_typed_value() -> None:
    with pytest.raises(ValueError, match="every must be of type int"):
        Rule.from_json({"every": "2"})


def test_rule_refuses_every_below_one() -> None:
    with pytest.raises(ValueError, match="every"):
        Rule(every=0)


def test_rule_with_a_partial_matches_only_batch_operations() -> None:
    rule = Rule(partial=Partial(count=1))
    other = Call("POST", "/", "kinesis", "PutRecord", "json")

    assert (rule.matches(BATCH_CALL), rule.matches(other)) == (True, False)


def test_rule_path_regex_is_searched_in_the_request_line() -> None:
    call = Call("PUT", "/bucket/hot/key", "s3", "PUT /bucket/hot/key", "rest-xml")

    assert Rule(path_regex="^PUT /bucket/hot/").matches(call)


def test_partial_needs_exactly_one_way_to_choose() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Partial(indices=(0,), count=1)


def test_partial_count_draws_that_many_distinct_indices() -> None:
    chosen = Partial(count=3).choose(10, random.Random(1))

    assert len(set(chosen)) == 3
    assert chosen == tuple(sorted(chosen))


def test_partial_fraction_rounds_to_a_count() -> None:
    assert len(Partial(fraction=0.25).choose(10, random.Random(1))) == 2


def test_partial_count_is_capped_by_the_batch_size() -> None:
    assert Partial(count=9).choose(3, random.Random(1)) == (0, 1, 2)


def test_throttling_of_an_unknown_service_is_throttling_exception() -> None:
    assert throttling("somethingelse") == InjectedError(400, "ThrottlingException", "Rate exceeded")
