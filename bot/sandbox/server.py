"""Running the sandbox: in a background thread (tests) or inside a running event loop (demo)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, TypeVar

import uvicorn
from starlette.applications import Starlette

from bot.sandbox.app import create_app
from bot.sandbox.state import SandboxState

T = TypeVar("T")
START_TIMEOUT = 15.0


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its signal handling: the host program owns Ctrl-C and SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _config(app: Starlette) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_config=None,  # never reconfigure the host program's logging
        log_level="warning",
        access_log=False,
        lifespan="on",
        loop="asyncio",
        ws="none",
        timeout_graceful_shutdown=3,
        timeout_keep_alive=30,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket for uvicorn's `serve(sockets=[...])`; port 0 picks one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP (not 0): asyncio only sets TCP_NODELAY on accepted sockets
    # whose proto says TCP, and without it every keep-alive response waits ~40 ms for an ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def _url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def serve_sandbox(
    host: str = "127.0.0.1",
    port: int = 8081,
    *,
    app: Starlette | None = None,
    bot_username: str = "TandemSandboxBot",
    bot_name: str = "Tandem",
    bot_token: str | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the sandbox in the running loop until cancelled; `ready(url)` once listening."""
    app = app or create_app(bot_username=bot_username, bot_name=bot_name, bot_token=bot_token)
    sock = bind_socket(host, port)
    server = _EmbeddedServer(_config(app))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        # uvicorn offers only a `started` flag, no event to await.
        while not server.started and not task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        if server.started and ready is not None:
            ready(_url(host, sock))
        await asyncio.shield(task)
    except asyncio.CancelledError:
        state: SandboxState = app.state.sandbox
        state.begin_close()
        server.should_exit = True
        await task
        raise
    finally:
        sock.close()


class SandboxServer:
    """The sandbox on 127.0.0.1 in a background thread with its own event loop.

    >>> with SandboxServer() as sandbox:
    ...     bot = telegram.Bot(TOKEN, base_url=sandbox.api_url)
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_username: str = "TandemSandboxBot",
        bot_name: str = "Tandem",
        bot_token: str | None = None,
        insecure_webhooks: bool = False,
        rate_limit: float | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.app = create_app(
            bot_username=bot_username,
            bot_name=bot_name,
            bot_token=bot_token,
            insecure_webhooks=insecure_webhooks,
            rate_limit=rate_limit,
        )
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sock: socket.socket | None = None
        self._error: BaseException | None = None
        self._url: str | None = None

    @property
    def state(self) -> SandboxState:
        """The live world. It belongs to the server's loop: read it, change it via `call`."""
        state: SandboxState = self.app.state.sandbox
        return state

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the sandbox has not been started")
        return self._url

    @property
    def api_url(self) -> str:
        """The base URL python-telegram-bot takes: Bot(token, base_url=api_url)."""
        return self.url + "/bot"

    def start(self) -> SandboxServer:
        if self._thread is not None:
            return self
        self._sock = bind_socket(self.host, self.port)
        self.port = self._sock.getsockname()[1]
        self._url = _url(self.host, self._sock)
        self._server = uvicorn.Server(_config(self.app))
        started = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(started,), name=f"sandbox:{self.port}", daemon=True
        )
        self._thread.start()
        started.wait(START_TIMEOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        if not self._server.started:
            self.stop()
            raise RuntimeError(f"the sandbox did not start: {self._error!r}")
        return self

    def _run(self, started: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        started.set()
        try:
            assert self._server is not None and self._sock is not None
            loop.run_until_complete(self._server.serve(sockets=[self._sock]))
        except BaseException as error:  # reported by start(); the thread must not die silently
            self._error = error
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def call(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
        """Run a coroutine function on the server's loop and return its result."""
        if self._loop is None:
            raise RuntimeError("the sandbox is not running")
        return asyncio.run_coroutine_threadsafe(fn(*args), self._loop).result(timeout=30)

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is not None and server is not None and not loop.is_closed():

            def begin_shutdown() -> None:
                self.state.begin_close()
                server.should_exit = True

            with contextlib.suppress(RuntimeError):  # the loop may close meanwhile
                loop.call_soon_threadsafe(begin_shutdown)
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()
        self._thread = None
        self._loop = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
