"""moto in server mode in this process: real HTTP endpoints for every AWS service, locally.

The test fixtures (`lambda_stream.testing.moto`) and ``lambda-stream demo`` run on it. moto is
an optional dependency (the ``dev`` and ``demo`` extras): it is imported only when a server
starts.
"""

from __future__ import annotations

import logging
import urllib.request
from types import TracebackType
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer

__all__ = ["MotoServer"]


class MotoServer:
    """moto's threaded server on a free local port.

    >>> MotoServer().url
    Traceback (most recent call last):
    ...
    RuntimeError: the moto server is not started

    Args:
        host: the interface to listen on.
        port: the port to listen on; 0 picks a free one.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host, self._port = host, port
        self._server: ThreadedMotoServer | None = None

    def start(self) -> Self:
        """Start serving in a daemon thread (about 1 ms, plus 0.15 s to import moto once)."""
        # One log line per request otherwise, captured into every test's report.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        try:
            from moto.server import ThreadedMotoServer  # optional: imported only here
        except ModuleNotFoundError as missing:
            raise ModuleNotFoundError(
                "moto server is not installed; install it with: "
                "pip install 'lambda-stream[demo]' (or the dev extra)"
            ) from missing

        server = ThreadedMotoServer(ip_address=self._host, port=self._port, verbose=False)
        server.start()
        self._server = server
        return self

    @property
    def url(self) -> str:
        """The endpoint URL, e.g. ``http://127.0.0.1:40123``."""
        if self._server is None:
            raise RuntimeError("the moto server is not started")
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def reset(self) -> None:
        """Wipe the state of every service (``POST /moto-api/reset``)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def stop(self) -> None:
        """Stop serving (up to 0.5 s: werkzeug's poll interval)."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Self:
        return self if self._server is not None else self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
