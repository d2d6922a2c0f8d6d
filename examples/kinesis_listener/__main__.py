"""Run the listener on its sample event and show what each pipeline did."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from examples.kinesis_listener.handler import FAULTS, PIPELINES, STORE
from lambda_stream import InvocationError, from_kinesis
from lambda_stream.runtime.report import format_invocation


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    event = json.loads((Path(__file__).parent / "event.json").read_text())
    try:
        invocation = PIPELINES.invoke(from_kinesis(event))
    except InvocationError as error:
        print(f"the invocation failed, Lambda would retry the batch: {error}")
        return 1
    print(f"Kinesis listener: {len(event['Records'])} records, pipelines {PIPELINES.enabled}")
    print(format_invocation(invocation))
    print(f"view rows: {json.dumps({k: v.thaw() for k, v in sorted(STORE.rows.items())})}")
    print(f"fault events published: {len(FAULTS.events)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
