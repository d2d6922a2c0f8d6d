"""A local EventBridge endpoint for the publishing benchmark: answers ``PutEvents`` after a delay.

Standard library only: a `ThreadingHTTPServer` (one thread per connection, HTTP/1.1 keep-alive,
Nagle's algorithm off: with it on, every answer waits for the client's delayed ACK and a call
costs ~48 ms here instead of 5) that speaks JSON 1.1 (``X-Amz-Target: AWSEvents.PutEvents``,
body ``{"Entries": [...]}``) and answers ``{"FailedEntryCount": 0, "Entries": [{"EventId":
...}, ...]}`` `delay_ms` after it has read the request. It counts what it receives, so that a
run can prove every event arrived exactly once:

- ``POST /`` with ``X-Amz-Target: Bench.Reset`` starts a new count (a body ``{"delay_ms": D}``
  also changes the delay);
- ``POST /`` with ``X-Amz-Target: Bench.Stats`` returns the count (`Stats`, as JSON) with the
  event ids of every entry received (``id`` of each ``Detail``, parsed only then).

In the benchmark process (`Endpoint(...).start()`) or as a process of its own::

    python -m bench.endpoint --delay-ms 5 [--port 0]   # prints "listening on http://..."
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Endpoint", "Stats", "fetch_stats", "main", "reset"]

PUT_EVENTS = "AWSEvents.PutEvents"
RESET = "Bench.Reset"
STATS = "Bench.Stats"
READY_PREFIX = "listening on "


@dataclass(frozen=True, slots=True)
class Stats:
    """What the endpoint received since the last reset.

    Attributes:
        calls: PutEvents calls answered.
        entries: entries received (every entry of every call).
        malformed: entries without a string ``Detail`` holding an object with an ``id``.
        request_bytes: bytes of the request bodies.
        connections: TCP connections accepted.
        max_in_flight: the most calls being answered at the same time.
        server_cpu_s: CPU time of the handler threads on PutEvents calls (parsing, answering).
        delay_s: the mean time from a request read to its answer written.
        first_call: ``time.monotonic()`` when the first call was read (0 when none).
        last_answer: ``time.monotonic()`` when the last answer was written.
        ids: the event id of every entry, in arrival order (``None`` for a malformed one).
    """

    calls: int
    entries: int
    malformed: int
    request_bytes: int
    connections: int
    max_in_flight: int
    server_cpu_s: float
    delay_s: float
    first_call: float
    last_answer: float
    ids: list[str | None]


class _Recorder:
    """The counts, shared by the handler threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.calls = 0
            self.entries = 0
            self.request_bytes = 0
            self.connections = 0
            self.in_flight = 0
            self.max_in_flight = 0
            self.server_cpu_s = 0.0
            self.delay_total = 0.0
            self.first_call = 0.0
            self.last_answer = 0.0
            self.details: list[object] = []

    def started(self, received: float, body_bytes: int) -> int:
        with self.lock:
            self.calls += 1
            self.request_bytes += body_bytes
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if not self.first_call:
                self.first_call = received
            return self.calls

    def answered(self, details: list[object], received: float, cpu_s: float) -> None:
        now = time.monotonic()
        with self.lock:
            self.in_flight -= 1
            self.entries += len(details)
            self.details.extend(details)
            self.server_cpu_s += cpu_s
            self.delay_total += now - received
            self.last_answer = max(self.last_answer, now)

    def snapshot(self) -> Stats:
        with self.lock:
            details = list(self.details)
            counts = (
                self.calls,
                self.entries,
                self.request_bytes,
                self.connections,
                self.max_in_flight,
                self.server_cpu_s,
                self.delay_total / self.calls if self.calls else 0.0,
                self.first_call,
                self.last_answer,
            )
        ids = [_event_id(detail) for detail in details]
        calls, entries, request_bytes, connections, in_flight, cpu, delay, first, last = counts
        return Stats(
            calls=calls,
            entries=entries,
            malformed=sum(1 for i in ids if i is None),
            request_bytes=request_bytes,
            connections=connections,
            max_in_flight=in_flight,
            server_cpu_s=cpu,
            delay_s=delay,
            first_call=first,
            last_answer=last,
            ids=ids,
        )


def _event_id(detail: object) -> str | None:
    if not isinstance(detail, str):
        return None
    try:
        event = json.loads(detail)
    except ValueError:
        return None
    value = event.get("id") if isinstance(event, dict) else None
    return value if isinstance(value, str) else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], delay_ms: float) -> None:
        super().__init__(address, _Handler)
        self.delay_s = delay_ms / 1000
        self.recorder = _Recorder()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDKs reuse their pooled connections
    disable_nagle_algorithm = True  # without it every answer waits ~40 ms for a delayed ACK
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.recorder.lock:
            self.server.recorder.connections += 1

    def handle_one_request(self) -> None:
        # CPU of the whole request (its line and headers included); counted for PutEvents only.
        self._cpu_start = time.thread_time()
        super().handle_one_request()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        received = time.monotonic()
        target = self.headers.get("X-Amz-Target", "")
        if target == PUT_EVENTS:
            self._put_events(body, received)
        elif target == RESET:
            delay = json.loads(body or b"{}").get("delay_ms")
            if delay is not None:
                self.server.delay_s = float(delay) / 1000
            self.server.recorder.reset()
            self._answer(200, b"{}")
        elif target == STATS:
            self._answer(200, json.dumps(asdict(self.server.recorder.snapshot())).encode())
        else:
            message = {"__type": "UnknownOperationException", "message": f"unknown {target!r}"}
            self._answer(400, json.dumps(message).encode())

    def _put_events(self, body: bytes, received: float) -> None:
        recorder = self.server.recorder
        call = recorder.started(received, len(body))
        try:
            entries = json.loads(body).get("Entries") or []
        except (ValueError, AttributeError):
            entries = []
        details = [entry.get("Detail") if isinstance(entry, dict) else None for entry in entries]
        answer = json.dumps(
            {
                "FailedEntryCount": 0,
                "Entries": [{"EventId": f"{call}-{index}"} for index in range(len(entries))],
            }
        ).encode()
        cpu = time.thread_time() - self._cpu_start
        wait = received + self.server.delay_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        cpu_answer = time.thread_time()
        self._answer(200, answer)
        recorder.answered(details, received, cpu + time.thread_time() - cpu_answer)

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Endpoint:
    """The endpoint in this process: `start` serves on a thread, `stop` ends it."""

    def __init__(self, delay_ms: float, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), delay_ms)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Endpoint:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="bench-endpoint", daemon=True
        )
        self._thread.start()
        return self

    def serve(self) -> None:
        """Serve on this thread until `stop` (or a signal) ends it."""
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()


def _control(url: str, target: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request(
            "POST",
            "/",
            body=json.dumps(body or {}).encode(),
            headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
        )
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{target}: HTTP {response.status} {payload[:200]!r}")
        result: dict[str, Any] = json.loads(payload)
        return result
    finally:
        connection.close()


def reset(url: str, delay_ms: float | None = None) -> None:
    """Start a new count at the endpoint at `url` (answering after `delay_ms` from now on)."""
    _control(url, RESET, None if delay_ms is None else {"delay_ms": delay_ms})


def fetch_stats(url: str) -> Stats:
    """What the endpoint at `url` received since its last reset."""
    return Stats(**_control(url, STATS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.endpoint", description=__doc__)
    parser.add_argument("--delay-ms", type=float, default=5.0, help="answer after (default 5)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port (default)")
    args = parser.parse_args(argv)
    endpoint = Endpoint(args.delay_ms, args.host, args.port)

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=endpoint._server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(READY_PREFIX + endpoint.url, flush=True)
    endpoint.serve()
    endpoint._server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
