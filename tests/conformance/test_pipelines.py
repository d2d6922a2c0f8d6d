"""initialize / initialize_from / assemble against the cases recorded from the JS library.

Each case's pipelines are functions in JS (described by its ``options_note``); they are rebuilt
here in Python, run on the recorded input event, and the output uows (``uow.to_dict()``) are
compared with ``expected_uows`` as a multiset (merged pipelines interleave), without the
``debug`` functions the JS library adds to every uow and without properties that were
``undefined`` in JS.

Not compared yet, in ``pipelines-pipeline-fault``: the JS output also holds the *published* fault
uow, with the EventBridge ``publishRequestEntry`` / ``publishRequest`` / ``publishResponse`` that
only exist once the EventBridge sink is built (a later issue); for now the fault tail hands its
fault events to a `FaultPublisher`. So the other uows are compared exactly, and our fault event
(``Invocation.fault_events``) is compared with the recorded fault uow's ``event`` on the portable
fields: ``type``, every tag, ``err.name``, ``err.message`` and the ``uow`` (record, event,
pipeline). ``id`` / ``partitionKey`` (stubbed uuids in the recording), ``timestamp`` (a faked
clock) and ``err.stack`` (a JS stack trace) are not portable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from lambda_stream import (
    InMemoryFaultPublisher,
    Invocation,
    JsonObject,
    Key,
    Pipeline,
    PipelineContext,
    Pipelines,
    UnitOfWork,
    from_kinesis,
    initialize,
    initialize_from,
    on_event_type,
    resolve_options,
)
from tests.conformance.cases import Case, by_name, load

CASES = by_name(load("pipelines"))
FAULT_CASE = "pipelines-pipeline-fault"
BASELINE = {"AWS_REGION": "us-west-2"}  # the environment every case was recorded in

OUT = Key[str]("out")
SEEN = Key[str]("seen")
OK = Key[bool]("ok")
V = Key[str]("v")
RULE_ID = Key[str]("ruleId")


class Error(Exception):  # named after the JS built-in the recorded case throws
    """The Python side of ``throw new Error(...)``: ``err.name`` is the class name."""


def _thing_n(uow: UnitOfWork) -> object:
    assert uow.event is not None
    thing = uow.event["thing"]
    assert isinstance(thing, JsonObject)
    return thing["n"]


def _materialize(event_type: str, prefix: str) -> Callable[[PipelineContext], Pipeline]:
    """``filter(type == event_type).map(add out = prefix + ":" + thing.n)``."""
    return lambda context: (
        lambda s: s.filter(on_event_type(event_type)).map(
            lambda uow: uow.set(OUT, f"{prefix}:{_thing_n(uow)}")
        )
    )


def _see_all(context: PipelineContext) -> Pipeline:
    return lambda s: s.map(lambda uow: uow.set(SEEN, uow.event.type if uow.event else ""))


def _three_no_faults() -> Pipelines:
    factories = {
        "created": _materialize("thing-created", "created"),
        "updated": _materialize("thing-updated", "updated"),
        "all": _see_all,
    }
    return initialize(factories, resolve_options(BASELINE))


def _fail(uow: UnitOfWork) -> UnitOfWork:
    raise Error("simulated error")


def _pipeline_fault() -> Pipelines:
    factories = {
        "px1": lambda context: lambda s: s.map(_fail),
        "ok": lambda context: lambda s: s.map(lambda uow: uow.set(OK, True)),
    }
    options = resolve_options(BASELINE, bus_name="fault-bus")
    return initialize(factories, options, publisher=InMemoryFaultPublisher())


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueRule:
    """The recorded rules: ``{id, eventType, value, flavor}``."""

    id: str
    event_type: str
    value: str

    def pipeline(self, context: PipelineContext) -> Pipeline:
        """The recorded flavor: ``filter(type == rule.eventType).map(add v, ruleId)``."""
        return lambda s: s.filter(on_event_type(self.event_type)).map(
            lambda uow: uow.set(V, self.value).set(RULE_ID, self.id)
        )


def _initialize_from_rules() -> Pipelines:
    rules = [
        ValueRule(id="r1", event_type="thing-created", value="one"),
        ValueRule(id="r2", event_type="other-x", value="two"),
    ]
    return initialize_from(rules, resolve_options(BASELINE))


BUILDERS: dict[str, Callable[[], Pipelines]] = {
    "pipelines-three-no-faults": _three_no_faults,
    FAULT_CASE: _pipeline_fault,
    "pipelines-initialize-from-rules": _initialize_from_rules,
}


def _invoke(name: str) -> Invocation:
    event = CASES[name]["input_event"]
    assert isinstance(event, dict)
    return BUILDERS[name]().invoke(from_kinesis(event))


def _ignored(case: Case) -> list[list[str]]:
    """The paths inside one expected uow that JSON could not record (functions, undefined)."""
    pointers = [*_strings(case.get("function_paths")), *_strings(case.get("undefined_paths"))]
    prefix = "/expected_uows/"
    return [
        pointer[len(prefix) :].split("/")[1:] for pointer in pointers if pointer.startswith(prefix)
    ]


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _without(value: object, path: list[str]) -> None:
    """Remove `path` from `value` where it holds nothing JSON can carry (None or a function)."""
    for key in path[:-1]:
        if not isinstance(value, dict):
            return
        value = value.get(key)
    if (
        isinstance(value, dict)
        and path
        and (value.get(path[-1]) is None or callable(value.get(path[-1])))
    ):
        value.pop(path[-1], None)


def _plain(uows: list[object], ignored: list[list[str]]) -> list[str]:
    """Each uow as canonical JSON text, without the `ignored` paths."""
    out = []
    for uow in uows:
        plain = json.loads(json.dumps(uow))
        for path in ignored:
            _without(plain, path)
        out.append(json.dumps(plain, sort_keys=True))
    return out


def _is_fault_uow(uow: object) -> bool:
    return (
        isinstance(uow, dict)
        and isinstance(uow.get("event"), dict)
        and uow["event"].get("type") == "fault"
    )


def _expected(name: str) -> list[object]:
    expected = CASES[name]["expected_uows"]
    assert isinstance(expected, list)
    return expected


def test_every_recorded_case_is_rebuilt() -> None:
    assert sorted(BUILDERS) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_output_uows_match_the_js_library(name: str) -> None:
    ignored = _ignored(CASES[name])
    ours = _plain([uow.to_dict() for uow in _invoke(name).uows], ignored)
    theirs = _plain([uow for uow in _expected(name) if not _is_fault_uow(uow)], ignored)
    if CASES[name].get("ordered") is False:  # merged pipelines: compare as multisets
        ours, theirs = sorted(ours), sorted(theirs)
    assert ours == theirs


def test_the_fault_event_matches_the_js_library_on_portable_fields() -> None:
    [recorded] = [uow for uow in _expected(FAULT_CASE) if _is_fault_uow(uow)]
    assert isinstance(recorded, dict)
    [event] = _invoke(FAULT_CASE).fault_events
    assert _portable(event.to_dict()) == _portable(recorded["event"])


def _portable(fault: object) -> dict[str, object]:
    assert isinstance(fault, dict)
    err = fault["err"]
    uow = fault["uow"]
    assert isinstance(err, dict)
    assert isinstance(uow, dict)
    return {
        "type": fault["type"],
        "tags": fault["tags"],
        "err": {"name": err["name"], "message": err["message"]},
        "uow": {key: uow.get(key) for key in ("pipeline", "record", "event")},
    }
