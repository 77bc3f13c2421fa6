"""The dashboard as a service of `tutor serve` (or alone, `tutor dashboard`): uvicorn on the running event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette

log = logging.getLogger(__name__)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handlers: `tutor serve` handles SIGINT and SIGTERM for every service."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class DashboardService:
    """Starts and stops the dashboard's web server with the other services."""

    platform = "dashboard"

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off", access_log=False)
        self.server = _EmbeddedServer(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose, if 0 was asked)."""
        servers = getattr(self.server, "servers", [])
        if servers and servers[0].sockets:
            return int(servers[0].sockets[0].getsockname()[1])
        return int(self.server.config.port)

    async def start(self) -> None:
        """Listen; returns once the server accepts connections (raises if it could not start)."""
        self._task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self._task.done():
                self._task.result()  # the error that stopped it (a port in use...)
                raise RuntimeError("the dashboard stopped while starting")
            await asyncio.sleep(0.02)
        log.info("dashboard listening on %s:%d", self.server.config.host, self.port)

    async def stop(self) -> None:
        """Finish the requests in hand, then close."""
        if self._task is None:
            return
        self.server.should_exit = True
        await self._task
        self._task = None
