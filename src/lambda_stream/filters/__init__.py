"""Filters: predicates on uows for routing inside pipelines."""

from lambda_stream.filters.event import EventTypeMatcher, on_content, on_event_type

__all__ = ["EventTypeMatcher", "on_content", "on_event_type"]
