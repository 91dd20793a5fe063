"""CPU and RSS of the hub processes (and of the load generator itself), sampled while a run goes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import dataclass, field
from typing import Any

import psutil  # type: ignore[import-untyped]


@dataclass
class Sample:
    t: float
    cpu_percent: float
    rss_bytes: int


@dataclass
class Probe:
    """Samples the summed CPU and RSS of ``pids`` every ``interval`` seconds."""

    pids: list[int]
    interval: float = 0.5
    samples: list[Sample] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None
    _procs: list[psutil.Process] = field(default_factory=list)

    def start(self) -> None:
        self._procs = []
        for pid in self.pids:
            with contextlib.suppress(psutil.Error):
                proc = psutil.Process(pid)
                proc.cpu_percent(None)
                self._procs.append(proc)
        self._task = asyncio.create_task(self._loop())

    def now(self) -> Sample:
        cpu, rss = 0.0, 0
        for proc in self._procs:
            with contextlib.suppress(psutil.Error):
                cpu += proc.cpu_percent(None)
                rss += proc.memory_info().rss
        return Sample(time.perf_counter(), cpu, rss)

    def rss(self) -> int:
        total = 0
        for proc in self._procs:
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        return total

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.samples.append(self.now())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def summary(self, since: float = 0.0, until: float = float("inf")) -> dict[str, Any] | None:
        """Mean and max CPU percent (100 = one core) and RSS in MB within [since, until]."""
        if not self._procs:
            return None
        window = [s for s in self.samples if since <= s.t <= until] or self.samples
        if not window:
            return {
                "pids": self.pids,
                "cpu_percent_mean": None,
                "cpu_percent_max": None,
                "rss_mb_max": round(self.rss() / 2**20, 1),
            }
        cpu = [s.cpu_percent for s in window]
        return {
            "pids": self.pids,
            "cpu_percent_mean": round(sum(cpu) / len(cpu), 1),
            "cpu_percent_max": round(max(cpu), 1),
            "rss_mb_start": round(window[0].rss_bytes / 2**20, 1),
            "rss_mb_max": round(max(s.rss_bytes for s in window) / 2**20, 1),
        }


def self_probe() -> Probe:
    return Probe([os.getpid()])
