"""Shards: parsed from either service's listing; parents and closing."""

from __future__ import annotations

from lambda_stream.connectors.shards import Shard, shard_from


def test_a_merged_shard_waits_for_both_parents() -> None:
    shard = shard_from({"ShardId": "c", "ParentShardId": "a", "AdjacentParentShardId": "b"})
    assert shard.parents == ("a", "b")


def test_a_shard_with_an_ending_number_is_closed() -> None:
    numbers = {"StartingSequenceNumber": "1", "EndingSequenceNumber": "9"}
    assert shard_from({"ShardId": "a", "SequenceNumberRange": numbers}).closed


def test_a_shard_without_parents_has_none() -> None:
    assert Shard(shard_id="a").parents == ()
