"""InMemoryScheduler: schedules by group and name, the connector's defaults, conflicts."""

from __future__ import annotations

import asyncio

import pytest

from lambda_stream.testing.fakes import InMemoryScheduler
from lambda_stream.testing.fakes.scheduler import ScheduleConflict


def test_the_same_name_in_another_group_is_another_schedule() -> None:
    fake = InMemoryScheduler()
    asyncio.run(fake.create_schedule({"Name": "n"}))
    asyncio.run(fake.create_schedule({"Name": "n", "GroupName": "g"}))
    assert sorted(fake.schedules) == [("default", "n"), ("g", "n")]


def test_the_same_name_in_the_same_group_conflicts() -> None:
    fake = InMemoryScheduler()
    asyncio.run(fake.create_schedule({"Name": "n"}))
    with pytest.raises(ScheduleConflict, match="already exists"):
        asyncio.run(fake.create_schedule({"Name": "n"}))


def test_the_schedule_deletes_itself_after_it_ran() -> None:
    fake = InMemoryScheduler(kms_key_arn="arn:key")
    asyncio.run(fake.create_schedule({"Name": "n"}))
    stored = fake.schedules[("default", "n")]
    assert (stored["ActionAfterCompletion"], stored["KmsKeyArn"]) == ("DELETE", "arn:key")
