"""`tandem serve` as separate processes, and a small TCP load balancer in front of them.

proxy = TcpProxy([("127.0.0.1", a.port), ("127.0.0.1", b.port)], marker=b"POST ")
await proxy.start()
...
proxy.counts  # requests each backend received
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from pathlib import Path
from typing import IO

from tests.support.tandem import DIALOGUES, ROOT, free_port


def serve_env(db_url: str, api_url: str, token: str, **settings: str) -> dict[str, str]:
    """The environment of one `tandem serve`: nothing of ours leaks in from the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_URL=api_url,
        TANDEM_DATABASE_URL=db_url,
        TANDEM_DIALOGUES_DIR=str(DIALOGUES),
        PYTHONUNBUFFERED="1",
    )
    env.update({f"TANDEM_{key.upper()}": value for key, value in settings.items()})
    return env


class ServeProcess:
    """One `tandem serve` child process, its output in a log file."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.port = free_port()
        self.env = {**env, "TANDEM_HTTP_PORT": str(self.port)}
        self.log_path = log_path
        self.proc: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    async def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            cwd=ROOT,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
        )

    async def wait_ready(self, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        """Until its web server answers (it starts after migrations, scripts and sender)."""
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc is not None
            if self.proc.returncode is not None:
                raise AssertionError(f"{self.name} exited ({self.proc.returncode})\n{self.tail()}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{self.name} not ready\n{self.tail()}") from None
                await asyncio.sleep(0.1)
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return

    async def stop(self) -> None:
        """SIGTERM (a clean stop), then SIGKILL if it takes too long."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), timeout=20)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def tail(self, lines: int = 40) -> str:
        if self._log is not None:
            self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return f"--- {self.name} log (tail) ---\n" + "\n".join(text[-lines:])


class TcpProxy:
    """Hands each new connection to the next backend in turn, as a load balancer in front of
    several copies of Tandem does, and counts how often `marker` occurs in what clients send
    to each backend (say b"/sendMessage ", to see which process sent what)."""

    def __init__(self, backends: list[tuple[str, int]], *, marker: bytes = b"") -> None:
        self.backends = backends
        self.marker = marker
        self.counts = [0] * len(backends)
        self.port = 0
        self._turn = 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._pipes):
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = self._turn % len(self.backends)
        self._turn += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.backends[index])
        except OSError:
            writer.close()  # as a balancer with the backend down: the client tries again
            return
        pipes = {
            asyncio.create_task(self._pipe(reader, up_writer, index)),
            asyncio.create_task(self._pipe(up_reader, writer, None)),
        }
        self._pipes |= pipes
        try:
            await asyncio.gather(*pipes, return_exceptions=True)
        finally:
            self._pipes -= pipes

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, counted: int | None
    ) -> None:
        keep = max(len(self.marker) - 1, 0)
        tail = b""
        try:
            while data := await reader.read(65536):
                if counted is not None and self.marker:
                    seen = tail + data
                    self.counts[counted] += seen.count(self.marker)
                    tail = seen[-keep:] if keep else b""
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
