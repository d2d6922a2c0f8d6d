"""What the connectors of a function share: a boto3 session, client settings, a thread pool."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from functools import partial
from typing import TypeVar

import boto3
from botocore.config import Config

from lambda_stream.core.json import JsonObject, _adopt_object
from lambda_stream.core.options import Options, resolve_options

__all__ = ["Connections", "frozen_response"]

T = TypeVar("T")

# botocore's own pool holds 10 connections; with more threads than that, calls wait for one or
# open throwaway connections, so the pool is sized to the threads.
_MIN_POOL = 10


class Connections:
    """The boto3 session, client settings and the one thread pool every connector runs on.

    Build it once per function, at import, next to the pipelines, and hand it to the
    connectors: blocking boto3 calls run on its pool (sized to the configured parallelism),
    never on ``asyncio.to_thread``'s small default pool, and every client gets a connection
    pool at least as large, and the timeouts of the options.

    Args:
        options: the function's options (timeouts, parallelism, region); resolved from the
            environment when None.
        session: the boto3 session clients are made from; a new one when None.
        threads: the size of the thread pool; the largest configured parallelism when None.
        endpoint_url: where every client goes instead of AWS (a moto server, a proxy);
            boto3's own ``AWS_ENDPOINT_URL`` does the same from the environment.
    """

    def __init__(
        self,
        options: Options | None = None,
        *,
        session: boto3.Session | None = None,
        threads: int | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        self.options = options or resolve_options()
        self.session = session or boto3.Session(region_name=self.options.region)
        self.threads = threads or max([self.options.parallel, *self.options.step_parallel.values()])
        self.endpoint_url = endpoint_url
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def config(self, service: str) -> Config:
        """The client settings for `service`: timeouts, connection pool, standard retries.

        botocore retries throttling, 5xx and timeouts a few times itself (its standard mode);
        what outlives those retries reaches the library's error policy.
        """
        timeout = self.options.timeout_for(service)
        return Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            max_pool_connections=max(self.threads, _MIN_POOL),
            retries={"mode": "standard"},
        )

    async def run(self, call: Callable[..., T], /, **kwargs: object) -> T:
        """``call(**kwargs)`` on the shared thread pool, awaited."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool(), partial(call, **kwargs))

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            with self._lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(
                        max_workers=self.threads, thread_name_prefix="lambda-stream-aws"
                    )
        return self._executor

    def close(self) -> None:
        """Stop the thread pool (a function normally keeps it for its lifetime)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def frozen_response(response: Mapping[str, object]) -> JsonObject:
    """A boto3 response as frozen JSON, without its transport metadata.

    Dates become ISO 8601 strings; everything else boto3 returns (strings, numbers, bytes,
    lists, dicts) is JSON already.
    """
    return _adopt_object(
        {key: _json(value) for key, value in response.items() if key != "ResponseMetadata"}
    )


def _json(value: object) -> object:
    if isinstance(value, dict):
        return {key: _json(member) for key, member in value.items()}
    if isinstance(value, list | tuple):
        return [_json(member) for member in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return frozenset(value)
    return value
