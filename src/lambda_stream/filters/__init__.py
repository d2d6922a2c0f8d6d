"""Filters: predicates on uows for routing inside pipelines."""

from lambda_stream.filters.event import EventTypeMatcher, on_content, on_event_type
from lambda_stream.filters.latch import out_latched
from lambda_stream.filters.skip import out_skip, skip_tag
from lambda_stream.filters.source import out_source_is_self

__all__ = [
    "EventTypeMatcher",
    "on_content",
    "on_event_type",
    "out_latched",
    "out_skip",
    "out_source_is_self",
    "skip_tag",
]
