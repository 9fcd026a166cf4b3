"""An aiohttp server on its own thread and event loop, with a thread-safe record of the calls it received."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Call:
    method: str
    params: dict
    headers: dict = field(default_factory=dict)
    error: str | None = None  # what the fake answered instead of success, if it refused the call
    at: float = field(default_factory=time.monotonic)


class FakeServer:
    """Subclasses add routes in `routes(app)` and record calls with `record(...)`."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._lock = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------------------------
    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        started = threading.Event()
        errors: list[BaseException] = []

        async def serve() -> None:
            app = web.Application()
            self.routes(app)
            self._runner = web.AppRunner(app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", self.port)  # a restart keeps the port
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(serve())
            except BaseException as error:
                errors.append(error)
                started.set()
                return
            started.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, name=type(self).__name__, daemon=True)
        self._thread.start()
        started.wait(10)
        if errors or not self.port:
            raise RuntimeError(f"{type(self).__name__} did not start: {errors}")
        return self

    def stop(self) -> None:
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    # -- the record of calls --------------------------------------------------------------------------
    def record(self, method: str, params: dict, headers: dict | None = None, error: str | None = None) -> Call:
        call = Call(method, params, dict(headers or {}), error)
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()
        return call

    def calls(self, method: str | None = None, where: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if (method is None or c.method == method) and (where is None or where(c))]

    def wait_for(
        self, method: str, where: Callable[[Call], bool] | None = None, count: int = 1, timeout: float = 30.0
    ) -> list[Call]:
        """The first `count` matching calls, waiting up to `timeout` seconds for them; AssertionError if too few."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self._calls if c.method == method and (where is None or where(c))]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    break
                self._lock.wait(remaining)
        if len(found) < count:
            everything = [(c.method, c.params, c.error) for c in self.calls()[-20:]]
            raise AssertionError(
                f"expected {count} {method} call(s), got {len(found)}: "
                f"{[c.params for c in found]}\nlast calls: {everything}"
            )
        return found[:count]
