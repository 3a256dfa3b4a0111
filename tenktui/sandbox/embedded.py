"""The sandbox served from a background thread, for ``tenktui --demo``.

The demo talks to it over real HTTP on 127.0.0.1, exactly as it would talk to
10,000ft, through a transport with a switch: cutting the network makes every
request fail as if the cable were pulled, so a newcomer can watch edits queue
offline and replay when it comes back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from pathlib import Path

import httpx

from tenktui.sandbox.server import open_sandbox, serve
from tenktui.sandbox.state import Sandbox


class EmbeddedSandbox:
    """A seeded sandbox served by uvicorn on a free loopback port, in a daemon thread."""

    def __init__(
        self,
        token: str,
        db_path: Path,
        *,
        today: dt.date | None = None,
        scale: str = "demo",
    ) -> None:
        self.token = token
        self.sandbox: Sandbox = open_sandbox(token, db_path=db_path, scale=scale, today=today)
        self.base_url: str | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name="tenktui-sandbox", daemon=True)
        self._error: BaseException | None = None

    def start(self, timeout: float = 15.0) -> str:
        """Serve, and return the API base URL (``http://127.0.0.1:PORT/api/v1``)."""
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the demo sandbox did not start in time")
        if self._error is not None:
            raise RuntimeError(f"the demo sandbox failed to start: {self._error}")
        assert self.base_url is not None
        return self.base_url

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop

        def ready(root: str) -> None:
            self.base_url = f"{root}/api/v1"
            self._ready.set()

        async def main() -> None:
            self._task = asyncio.current_task()
            await serve(self.sandbox, "127.0.0.1", 0, on_ready=ready)

        try:
            loop.run_until_complete(main())
        except asyncio.CancelledError:
            pass
        except BaseException as err:  # reported to start()
            self._error = err
            self._ready.set()
        finally:
            loop.close()

    def stop(self) -> None:
        if self._loop is not None and self._task is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(timeout=5)


class NetworkSwitch(httpx.AsyncBaseTransport):
    """An HTTP transport that can be cut: then every request fails to connect."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.cut = False

    def toggle(self) -> bool:
        """Cut or restore the network; ``True`` when it is now cut."""
        self.cut = not self.cut
        return self.cut

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.cut:
            raise httpx.ConnectError("the demo network is cut", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
