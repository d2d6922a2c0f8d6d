import json

import pytest

from lambda_stream.core.event import Event
from lambda_stream.core.json import JsonObject
from lambda_stream.core.options import Options, resolve_options
from lambda_stream.utils.tags import adorn_standard_tags, env_tags
from tests.conformance.cases import CONFORMANCE

CASES = {case["name"]: case for case in json.loads((CONFORMANCE / "utils.json").read_text())}
BASELINE = {"AWS_REGION": "us-west-2"}  # the environment every JS case ran in
FULL = Options(
    account_name="dev",
    region="us-west-2",
    stage="qa",
    service="svc",
    function_name="fn",
)


def _case_options(name: str) -> Options:
    return resolve_options({**BASELINE, **CASES[name].get("env", {})})


def test_env_tags_come_in_the_js_order() -> None:
    assert list(env_tags(FULL, "p1")) == [
        "account",
        "region",
        "stage",
        "source",
        "functionname",
        "pipeline",
    ]


def test_env_tags_come_from_the_options() -> None:
    assert env_tags(FULL, "p1") == {
        "account": "dev",
        "region": "us-west-2",
        "stage": "qa",
        "source": "svc",
        "functionname": "fn",
        "pipeline": "p1",
    }


def test_unset_env_tags_are_the_string_undefined() -> None:
    assert set(env_tags(Options(), None).values()) == {"undefined"}


@pytest.mark.parametrize(
    ("case", "pipeline"), [("envTags-defaults", "p1"), ("envTags-full-env", None)]
)
def test_env_tags_match_the_js_librarys_recorded_cases(case: str, pipeline: str | None) -> None:
    assert env_tags(_case_options(case), pipeline) == CASES[case]["expected"]


def test_adorn_adds_the_standard_tags() -> None:
    adorned = adorn_standard_tags(Event(id="1", type="t"), FULL, "p1")
    assert adorned.tags == env_tags(FULL, "p1")


def test_the_events_own_tags_win() -> None:
    event = Event(id="1", type="t", tags=JsonObject({"region": "eu-west-1", "custom": "c"}))
    adorned = adorn_standard_tags(event, FULL, "p1")
    assert (adorned.tags["region"], adorned.tags["custom"]) == ("eu-west-1", "c")


def test_adorned_tags_keep_the_js_order_with_own_tags_last() -> None:
    event = Event(id="1", type="t", tags=JsonObject({"custom": "c", "account": "mine"}))
    adorned = adorn_standard_tags(event, FULL, "p1")
    assert list(adorned.tags) == [*env_tags(FULL, "p1"), "custom"]


def test_test_mode_adds_skip_after_the_standard_tags() -> None:
    adorned = adorn_standard_tags(Event(id="1", type="t"), Options(test_mode=True), "p1")
    assert list(adorned.tags.items())[-1] == ("skip", True)


def test_skip_is_absent_outside_test_mode() -> None:
    assert "skip" not in adorn_standard_tags(Event(id="1", type="t"), FULL, "p1").tags


def test_an_events_own_skip_wins_in_test_mode() -> None:
    event = Event(id="1", type="t", tags=JsonObject({"skip": False}))
    assert adorn_standard_tags(event, Options(test_mode=True), "p1").tags["skip"] is False


def test_adorn_keeps_the_rest_of_the_event() -> None:
    event = Event.from_dict(
        {"id": "1", "type": "t", "timestamp": 5, "partitionKey": "k", "thing": {"a": 1}}
    )
    adorned = adorn_standard_tags(event, FULL, "p1")
    assert adorned.to_dict() == {**event.to_dict(), "tags": env_tags(FULL, "p1")}


def test_adorn_leaves_the_original_event_untouched() -> None:
    event = Event(id="1", type="t")
    adorn_standard_tags(event, FULL, "p1")
    assert event.tags == JsonObject()


def test_adorn_matches_the_js_librarys_recorded_case() -> None:
    case = CASES["adornStandardTags"]
    uow = case["args"][1]
    adorned = adorn_standard_tags(Event.from_dict(uow["event"]), _case_options(case["name"]), "p9")
    assert adorned.to_dict() == case["expected"]["event"]


def test_test_mode_matches_the_js_librarys_skip_tag_case() -> None:
    options = _case_options("skipTag-test-env")
    adorned = adorn_standard_tags(Event(id="1", type="t"), options, None)
    assert {"skip": adorned.tags["skip"]} == CASES["skipTag-test-env"]["expected"]
