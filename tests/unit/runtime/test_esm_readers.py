"""The two kinds of stream behind one reader: sequence numbers, arrival times, Lambda records."""

from __future__ import annotations

import asyncio

from lambda_stream.core.json import JsonObject
from lambda_stream.runtime.esm_readers import DynamoDBShards, KinesisShards
from lambda_stream.runtime.esm_source import event_source
from lambda_stream.testing.fakes import InMemoryDynamoDBStreams, InMemoryKinesis

KINESIS = event_source("arn:aws:kinesis:eu-west-1:123456789012:stream/s")
RAW_KINESIS = JsonObject(
    {"SequenceNumber": "4", "Data": "e30=", "PartitionKey": "k", "ApproximateArrivalTimestamp": 2.5}
)


def test_a_dynamodb_record_is_known_by_its_stream_sequence_number() -> None:
    streams = InMemoryDynamoDBStreams(clock=lambda: 7.25)
    arn = streams.create_stream("t")
    record = streams.put_change(arn, keys={"pk": "1"}, new_image={"pk": "1"})
    reader = DynamoDBShards(streams, event_source(arn))
    assert reader.sequence(record) == record.get_object("dynamodb")["SequenceNumber"]
    assert reader.arrival(record) == 7.25
    assert reader.to_lambda(record, "any")["eventSourceARN"] == arn


def test_a_kinesis_record_is_known_by_its_sequence_number() -> None:
    reader = KinesisShards(InMemoryKinesis(), KINESIS)
    assert (reader.sequence(RAW_KINESIS), reader.arrival(RAW_KINESIS)) == ("4", 2.5)


def test_a_kinesis_record_is_named_by_its_shard_in_lambdas_event() -> None:
    record = KinesisShards(InMemoryKinesis(), KINESIS).to_lambda(
        RAW_KINESIS, "shardId-000000000003"
    )
    assert record["eventID"] == "shardId-000000000003:4"
    assert record["awsRegion"] == "eu-west-1"


def test_a_kinesis_reader_lists_the_shards_of_its_stream_by_name() -> None:
    kinesis = InMemoryKinesis(shard_count=3)
    kinesis.create_stream("s")
    assert len(asyncio.run(KinesisShards(kinesis, KINESIS).shards())) == 3


def test_a_fresh_dict_is_built_for_every_invocation() -> None:
    reader = KinesisShards(InMemoryKinesis(), KINESIS)
    first = reader.to_lambda(RAW_KINESIS, "s0")
    first["kinesis"] = "changed by a handler"
    assert reader.to_lambda(RAW_KINESIS, "s0")["kinesis"] != "changed by a handler"
