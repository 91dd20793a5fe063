"""Hub nodes and workers as real OS processes (for multi-node and fault tests)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """A `hub` subcommand in its own process, its output kept in a log file."""

    def __init__(self, args: list[str], env: Mapping[str, str], log: Path) -> None:
        self.args = args
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.log_path = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> Process:
        log = self.log_path.open("ab")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hub", *self.args, cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        log.close()
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int | None:
        if self.proc is None or self.proc.returncode is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(sig)
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            return await self.proc.wait()

    async def kill(self) -> None:
        await self.stop(signal.SIGKILL)


class Node(Process):
    """`hub serve` on a free port; ``await ready()`` waits (with a deadline) for /readyz."""

    def __init__(self, env: Mapping[str, str], log: Path) -> None:
        self.port = free_port()
        super().__init__(["serve", "--port", str(self.port)], env, log)
        self.url = f"http://127.0.0.1:{self.port}"

    async def ready(self, deadline_s: float = 30) -> Node:
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline_s
        async with aiohttp.ClientSession() as s:
            while loop.time() < end:
                assert self.proc is not None
                if self.proc.returncode is not None:
                    raise RuntimeError(f"node exited {self.proc.returncode}:\n{self.log()[-3000:]}")
                try:
                    async with s.get(f"{self.url}/readyz") as r:
                        if r.status == 200:
                            return self
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError(f"node on {self.port} not ready in {deadline_s}s:\n{self.log()[-3000:]}")
