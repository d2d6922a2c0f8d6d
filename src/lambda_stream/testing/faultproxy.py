"""A fault-injecting HTTP reverse proxy for AWS clients (standard library only).

Put it between boto3 clients and an emulator such as moto server: it adds latency, fails whole
calls with errors in each service's own protocol (so botocore classifies throttling and 5xx the
way it would against AWS), and fails part of a batch for real: the failed entries are cut from
the forwarded request, so they are never stored, and reported back at their original index.

From Python::

    proxy = FaultProxy(moto_url).start()
    proxy.add(Rule(service="kinesis", operation="PutRecords", partial=Partial(indices=(1,))))
    client = boto3.client("kinesis", endpoint_url=proxy.url)

As a process, controlled over HTTP (``POST /__fault__/rules`` with a JSON list of rules,
``DELETE /__fault__/rules``, ``GET /__fault__/stats``, ``GET /__fault__/calls``)::

    python -m lambda_stream.testing.faultproxy --upstream http://127.0.0.1:5000 --port 5500
    # options: --delay-ms 5-20, --rules rules.json (a JSON list of rules), --seed 7

A call's service is the boto3 client name (``cloudwatch`` for CloudWatch, ``dynamodbstreams``
for DynamoDB Streams); its operation is the API name, or ``"METHOD /path"`` for S3 and Lambda.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import signal
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, MappingProxyType, TracebackType
from typing import Final, Self
from urllib.parse import urlsplit

from lambda_stream.testing._faultbatch import BATCHES
from lambda_stream.testing._faultrules import (
    InjectedError,
    Partial,
    Rule,
    delay_from,
    rules_from,
    throttling,
)
from lambda_stream.testing._faultwire import Call, classify, render_error

__all__ = [
    "CallRecord",
    "FaultProxy",
    "InjectedError",
    "Partial",
    "ProxyStats",
    "Rule",
    "main",
    "throttling",
]

_CONTROL: Final = "/__fault__/"
# Hop-by-hop headers, and those the proxy computes itself.
_HOP: Final = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding"}
    | {"upgrade", "expect", "content-length", "server", "date"}
)


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What the proxy did to one call.

    Attributes:
        service: the boto3 client name of the service called.
        operation: the API operation, or ``"METHOD /path"``.
        status: the HTTP status the client received.
        delay_ms: the latency injected, 0 when none.
        error: the code of the injected whole-call error, if any.
        failed: the indices of the batch entries failed by an injected partial failure.
    """

    service: str
    operation: str
    status: int
    delay_ms: float = 0.0
    error: str | None = None
    failed: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ProxyStats:
    """Counts of what the proxy did since it started or was last reset.

    Attributes:
        calls: the calls proxied (control API requests excluded).
        delayed: the calls that were delayed.
        errors: the calls failed with an injected error.
        partials: the batch calls that had entries failed.
        failed_entries: the batch entries failed in all.
        by_operation: the calls per ``service.Operation``.
        hits: how many times each rule fired, in rule order.
    """

    calls: int = 0
    delayed: int = 0
    errors: int = 0
    partials: int = 0
    failed_entries: int = 0
    by_operation: Mapping[str, int] = field(default_factory=dict)
    hits: tuple[int, ...] = ()


@dataclass(slots=True)
class _Active:
    """A rule and its counters."""

    rule: Rule
    matches: int = 0
    hits: int = 0

    def due(self, rng: random.Random) -> bool:
        """Count one match; whether the rule fires on it."""
        self.matches += 1
        rule, seen = self.rule, self.matches - self.rule.skip_first
        if seen <= 0 or seen % rule.every:
            return False
        if rule.max_hits is not None and self.hits >= rule.max_hits:
            return False
        if rule.probability < 1.0 and rng.random() >= rule.probability:
            return False
        self.hits += 1
        return True


@dataclass(frozen=True, slots=True)
class _Plan:
    """The effects of the firing rules on one call."""

    delay_ms: float = 0.0
    error: InjectedError | None = None
    partial: Partial | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], proxy: FaultProxy) -> None:
        super().__init__(address, _Handler)
        self.proxy = proxy


class FaultProxy:
    """The proxy: start it, point clients at `url`, add rules, read `stats` and `calls`.

    Args:
        upstream_url: the emulator's endpoint, e.g. moto server's ``http://127.0.0.1:5000``.
        host: the interface to listen on.
        port: the port to listen on; 0 picks a free one.
        rules: rules to start with.
        seed: the seed of the RNG behind `Rule.probability`, delays and drawn entries.
        max_calls: how many `CallRecord` to keep (the oldest are dropped).
    """

    def __init__(
        self,
        upstream_url: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rules: Sequence[Rule] = (),
        seed: int = 0,
        max_calls: int = 10_000,
    ) -> None:
        upstream = urlsplit(upstream_url)
        if upstream.scheme not in ("http", "https") or not upstream.hostname:
            raise ValueError(f"not an http(s) URL: {upstream_url!r}")
        self.upstream_url = upstream_url.rstrip("/")
        self._upstream = upstream
        self._address = (host, port)
        self._seed = seed
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._rules = [_Active(rule) for rule in rules]
        self._calls: deque[CallRecord] = deque(maxlen=max_calls)
        self._stats = ProxyStats()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        """Listen on the port and serve in a daemon thread; returns the proxy."""
        if self._server is not None:
            raise RuntimeError("the proxy is already started")
        self._server = _Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits for one poll
            name=f"faultproxy-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        """The endpoint URL for clients."""
        if self._server is None:
            raise RuntimeError("the proxy is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stop serving and close the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server, self._thread = None, None

    def __enter__(self) -> Self:
        return self if self._server is not None else self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def add(self, *rules: Rule) -> None:
        """Append rules; they apply from the next call on."""
        with self._lock:
            self._rules.extend(_Active(rule) for rule in rules)

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def reset(self) -> None:
        """Remove every rule, forget the calls and stats, and reseed the RNG."""
        with self._lock:
            self._rules.clear()
            self._calls.clear()
            self._stats = ProxyStats()
            self._rng = random.Random(self._seed)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules, in the order they are applied."""
        with self._lock:
            return tuple(active.rule for active in self._rules)

    @property
    def stats(self) -> ProxyStats:
        """What the proxy has done so far."""
        with self._lock:
            hits = tuple(active.hits for active in self._rules)
            s = self._stats
            by_operation = MappingProxyType(dict(s.by_operation))
            return ProxyStats(
                s.calls, s.delayed, s.errors, s.partials, s.failed_entries, by_operation, hits
            )

    @property
    def calls(self) -> tuple[CallRecord, ...]:
        """Every call proxied (the last `max_calls`), oldest first."""
        with self._lock:
            return tuple(self._calls)

    def _plan(self, call: Call) -> _Plan:
        """Advance the counters of the rules matching `call`; the effects of those firing."""
        delay, error, partial = 0.0, None, None
        with self._lock:
            for active in self._rules:
                rule = active.rule
                if not rule.matches(call) or not active.due(self._rng):
                    continue
                if isinstance(rule.delay_ms, tuple):
                    delay += self._rng.uniform(*rule.delay_ms)
                elif rule.delay_ms is not None:
                    delay += rule.delay_ms
                error = error or rule.error
                partial = partial or rule.partial
        return _Plan(delay, error, None if error is not None else partial)

    def _choose(self, partial: Partial, size: int) -> tuple[int, ...]:
        with self._lock:
            return partial.choose(size, self._rng)

    def _record(self, record: CallRecord) -> None:
        with self._lock:
            self._calls.append(record)
            s = self._stats
            key = f"{record.service}.{record.operation}"
            self._stats = ProxyStats(
                calls=s.calls + 1,
                delayed=s.delayed + (record.delay_ms > 0),
                errors=s.errors + (record.error is not None),
                partials=s.partials + bool(record.failed),
                failed_entries=s.failed_entries + len(record.failed),
                by_operation={**s.by_operation, key: s.by_operation.get(key, 0) + 1},
            )

    def _stats_json(self) -> dict[str, object]:
        stats = self.stats
        with self._lock:
            rules = [
                {**a.rule.to_json(), "matches": a.matches, "hits": a.hits} for a in self._rules
            ]
        return {
            "calls": stats.calls,
            "delayed": stats.delayed,
            "errors": stats.errors,
            "partials": stats.partials,
            "failed_entries": stats.failed_entries,
            "by_operation": dict(stats.by_operation),
            "rules": rules,
        }

    def _forward(
        self, method: str, target: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Send the request upstream; its status, end-to-end headers and body."""
        up = self._upstream
        connection_class = (
            http.client.HTTPSConnection if up.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(up.hostname or "", up.port, timeout=60)
        sent = {k: v for k, v in headers if k.lower() not in _HOP}
        if body or method in ("POST", "PUT", "PATCH"):
            sent["Content-Length"] = str(len(body))
        try:
            connection.request(method, target, body=body or None, headers=sent)
            response = connection.getresponse()
            data = response.read()
            keep = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP]
            if method == "HEAD":  # no body, but the length of the one a GET would return
                keep += [(k, v) for k, v in response.getheaders() if k.lower() == "content-length"]
            return response.status, keep, data
        finally:
            connection.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, and Expect: 100-continue (S3 PutObject)
    # BaseHTTPRequestHandler writes headers and body separately: with Nagle's algorithm on,
    # the client's delayed ACK makes every call take 40-48 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: one line per request drowns test output."""

    @property
    def proxy(self) -> FaultProxy:
        server = self.server
        if not isinstance(server, _Server):
            raise TypeError("the handler runs only inside a FaultProxy")
        return server.proxy

    def do_GET(self) -> None:
        """Proxy (or answer the control API)."""
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def _body(self) -> bytes:
        """The request body, de-chunked."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, headers: Sequence[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        has_length = any(name.lower() == "content-length" for name, _ in headers)
        if not has_length and status not in (204, 304):  # these never carry a body
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: object) -> None:
        self._send(status, [("Content-Type", "application/json")], json.dumps(value).encode())

    def _handle(self) -> None:
        body = self._body()
        if self.path.startswith(_CONTROL):
            self._control(body)
            return
        proxy = self.proxy
        headers = {name.lower(): value for name, value in self.headers.items()}
        call = classify(self.command, self.path, headers, body)
        plan = proxy._plan(call)
        if plan.delay_ms > 0:
            time.sleep(plan.delay_ms / 1000)
        record = CallRecord(call.service, call.operation, 0, plan.delay_ms)
        if plan.error is not None:
            err = plan.error
            out_headers, out = render_error(call, err.status, err.code, err.message, _request_id())
            # Recorded before answering: a client that has its answer must find the call.
            proxy._record(_with(record, status=err.status, error=err.code))
            self._send(err.status, out_headers, out)
            return
        try:
            status, out_headers, out, failed = self._exchange(call, plan.partial, body)
        except (OSError, http.client.HTTPException) as exc:
            status, out_headers, out, failed = 502, [], f"upstream: {exc}".encode(), ()
        proxy._record(_with(record, status=status, failed=failed))
        self._send(status, out_headers, out)

    def _exchange(
        self, call: Call, partial: Partial | None, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes, tuple[int, ...]]:
        """Forward the call, failing part of the batch when `partial` says so."""
        proxy, items = self.proxy, list(self.headers.items())
        batch = BATCHES.get((call.service, call.operation))
        if partial is None or batch is None:
            return (*proxy._forward(self.command, self.path, items, body), ())
        try:
            failed = proxy._choose(partial, batch.count(body))
            cut = batch.cut(body, frozenset(failed)) if failed else body
        except (ValueError, KeyError, TypeError):  # not a batch we can read: pass it through
            return (*proxy._forward(self.command, self.path, items, body), ())
        if not failed:
            return (*proxy._forward(self.command, self.path, items, body), ())
        if cut is None:  # every entry fails: AWS answers without storing anything
            status, headers, upstream = 200, [("x-amzn-RequestId", _request_id())], None
            content_type = "text/xml" if call.protocol == "query" else call.content_type
            headers.append(("Content-Type", content_type))
        else:
            status, headers, data = proxy._forward(self.command, self.path, items, cut)
            if status != 200:
                return status, headers, data, ()
            upstream = data
        code, message = partial.code or batch.code, partial.message or batch.message
        out = batch.splice(upstream, body, failed, code, message)
        # The body changed: DynamoDB's checksum of the old one would make botocore retry.
        headers = [(k, v) for k, v in headers if k.lower() != "x-amz-crc32"]
        return status, headers, out, failed

    def _control(self, body: bytes) -> None:
        proxy, route = self.proxy, (self.command, self.path.split("?")[0])
        try:
            if route == ("GET", f"{_CONTROL}stats"):
                self._json(200, proxy._stats_json())
            elif route == ("GET", f"{_CONTROL}calls"):
                self._json(200, [_record_json(c) for c in proxy.calls])
            elif route == ("POST", f"{_CONTROL}rules"):
                proxy.add(*rules_from(json.loads(body or b"[]")))
                self._json(200, {"rules": len(proxy.rules)})
            elif route == ("DELETE", f"{_CONTROL}rules"):
                proxy.clear()
                self._json(200, {"rules": 0})
            else:
                self._json(404, {"error": f"no such control endpoint: {' '.join(route)}"})
        except (ValueError, TypeError) as exc:
            self._json(400, {"error": str(exc)})


def _with(
    record: CallRecord, *, status: int, error: str | None = None, failed: tuple[int, ...] = ()
) -> CallRecord:
    return CallRecord(record.service, record.operation, status, record.delay_ms, error, failed)


def _record_json(record: CallRecord) -> dict[str, object]:
    return {
        "service": record.service,
        "operation": record.operation,
        "status": record.status,
        "delay_ms": record.delay_ms,
        "error": record.error,
        "failed": list(record.failed),
    }


def _request_id() -> str:
    return uuid.uuid4().hex


def main(argv: Sequence[str] | None = None) -> int:
    """Run the proxy as a process until SIGINT or SIGTERM; prints its URL first.

    Args:
        argv: the command-line arguments, ``sys.argv[1:]`` when ``None``.
    """
    parser = argparse.ArgumentParser(
        prog="python -m lambda_stream.testing.faultproxy", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--upstream", required=True, help="the emulator URL")
    parser.add_argument("--host", default="127.0.0.1", help="the interface to listen on")
    parser.add_argument("--port", type=int, default=0, help="the port; 0 picks a free one")
    parser.add_argument("--delay-ms", help="latency for every call: 5 or 5-20 (ms)")
    parser.add_argument("--rules", help="a JSON file holding a list of rules")
    parser.add_argument("--seed", type=int, default=0, help="the RNG seed")
    args = parser.parse_args(argv)
    rules = [Rule(delay_ms=delay_from(args.delay_ms))] if args.delay_ms else []
    if args.rules:
        with open(args.rules, encoding="utf-8") as file:
            rules += rules_from(json.load(file))
    proxy = FaultProxy(args.upstream, host=args.host, port=args.port, rules=rules, seed=args.seed)
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    with proxy.start():
        print(proxy.url, flush=True)
        while not stop.wait(1.0):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
