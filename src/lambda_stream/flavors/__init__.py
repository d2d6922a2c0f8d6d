"""Flavors: reusable pipelines, each configured by a typed, immutable rule.

A rule is a record per flavor; its ``pipeline`` method builds the flavor's pipeline, so a list
of rules goes straight to `initialize_from`.
"""

from lambda_stream.flavors.cdc import CdcRule, EventFields, Publish, cdc
from lambda_stream.flavors.collected import META, is_collected_event, normalize
from lambda_stream.flavors.materialize import MaterializeRule, materialize
from lambda_stream.flavors.rule import (
    Compact,
    ContentFilter,
    FlavorRule,
    Mapper,
    Rate,
    Request,
)
from lambda_stream.flavors.update import UpdateRule, update

__all__ = [
    "META",
    "CdcRule",
    "Compact",
    "ContentFilter",
    "EventFields",
    "FlavorRule",
    "Mapper",
    "MaterializeRule",
    "Publish",
    "Rate",
    "Request",
    "UpdateRule",
    "cdc",
    "is_collected_event",
    "materialize",
    "normalize",
    "update",
]
