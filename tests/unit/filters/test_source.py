"""out_source_is_self: a service drops the events it published itself."""

from __future__ import annotations

from lambda_stream import Event, UnitOfWork, initialize, resolve_options
from lambda_stream.core.json import JsonValue
from lambda_stream.core.options import Options
from lambda_stream.filters.source import out_source_is_self
from lambda_stream.stream import Stream
from lambda_stream.testing import collect

ME = Options(service="orders")


def _uow(**members: JsonValue) -> UnitOfWork:
    return UnitOfWork(record=None, event=Event.from_dict({"id": "1", "type": "t", **members}))


def test_an_event_from_this_service_is_dropped() -> None:
    assert out_source_is_self(ME)(_uow(tags={"source": "orders"})) is False


def test_an_event_from_another_service_is_kept() -> None:
    assert out_source_is_self(ME)(_uow(tags={"source": "billing"})) is True


def test_an_event_without_tags_is_kept() -> None:
    assert out_source_is_self(ME)(_uow()) is True


def test_an_event_without_a_source_tag_is_kept() -> None:
    assert out_source_is_self(ME)(_uow(tags={"region": "us-west-2"})) is True


def test_a_uow_without_an_event_is_kept() -> None:
    assert out_source_is_self(ME)(UnitOfWork(record=None)) is True


def test_without_a_service_every_event_is_kept() -> None:
    """The publishers then write ``source: "undefined"``; other unconfigured services write
    the same string, and their events are not this service's."""
    keep = out_source_is_self(Options())
    assert keep(_uow(tags={"source": "undefined"})) is True


def test_the_service_named_by_service_alone_is_self() -> None:
    """Deliberate fix (anchor §4.1, inconsistent self-source check): the JS filter compares
    with PROJECT || SERVERLESS_PROJECT only while its publishers write SERVICE first, so a
    service configured with SERVICE alone consumes its own events there."""
    keep = out_source_is_self(resolve_options({"SERVICE": "orders"}))
    assert keep(_uow(tags={"source": "orders"})) is False


def test_service_wins_over_project_as_the_publishers_write_it() -> None:
    keep = out_source_is_self(resolve_options({"SERVICE": "orders", "PROJECT": "shop"}))
    assert [keep(_uow(tags={"source": s})) for s in ("orders", "shop")] == [False, True]


def test_project_is_self_when_service_is_unset() -> None:
    keep = out_source_is_self(resolve_options({"PROJECT": "shop"}))
    assert keep(_uow(tags={"source": "shop"})) is False


def test_serverless_project_is_the_last_fallback() -> None:
    keep = out_source_is_self(resolve_options({"SERVERLESS_PROJECT": "shop"}))
    assert keep(_uow(tags={"source": "shop"})) is False


def test_a_source_tag_that_is_not_a_string_is_not_self() -> None:
    assert out_source_is_self(ME)(_uow(tags={"source": ["orders"]})) is True


def test_it_filters_a_stream() -> None:
    uows = [_uow(tags={"source": "orders"}), _uow(tags={"source": "billing"}), _uow()]
    kept = collect(Stream.of(uows).filter(out_source_is_self(ME)))
    assert kept == uows[1:]


def test_in_a_pipeline_the_kept_uows_are_tagged_with_the_pipeline() -> None:
    """The predicate reads only the event, so the fan-out may run it before tagging."""
    pipelines = initialize(
        {"p": lambda context: lambda s: s.filter(out_source_is_self(context.options))},
        resolve_options({"SERVICE": "orders"}),
    )
    uows = [_uow(tags={"source": "orders"}), _uow(tags={"source": "billing"})]
    invocation = pipelines.invoke(Stream.of(uows))
    assert [(uow.pipeline, uow.event) for uow in invocation.uows] == [("p", uows[1].event)]
