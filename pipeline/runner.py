"""The moderation runner: a thread pool, dynamic micro-batching and a bounded queue.

`moderate()` enqueues a message and awaits its verdict. One batcher task takes messages off the
queue whenever a worker thread is free: under load, the messages that arrived while the previous
batch ran form the next batch (up to `max_batch`, waiting at most `max_wait_ms` for stragglers
once a burst is under way; a lone message never waits). Inference runs in the thread pool, never
on the event loop. A full queue raises `PipelineOverloaded` at once.

`start()` tunes glibc's allocator for the process (`pipeline/memory.py`): large blocks stay
mapped, and the memory that loading freed goes back to the OS once the sessions are up.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.memory import keep_large_blocks_mapped, release_freed_memory
from pipeline.scoring import Scored, Scorer
from pipeline.stages.context import (
    ContextEntry,
    ContextStore,
    InMemoryContextStore,
    apply_context,
    number_edges,
)
from pipeline.stages.model import ModelArtifacts, ModelError
from pipeline.stages.policy import DEFAULT_POLICY, Policy, decide
from pipeline.stats import RunnerStats
from pipeline.verdict import Verdict

__all__ = ["ModerationRunner", "PipelineError", "PipelineOverloaded", "RunnerConfig"]

log = logging.getLogger(__name__)

_WARMUP = ("is it still available?", "send me the code you got by sms")


class PipelineError(Exception):
    """Base error of the moderation pipeline."""


class PipelineOverloaded(PipelineError):
    """The queue is full: the caller should answer `unavailable`."""


@dataclass(frozen=True)
class RunnerConfig:
    """Where the artifacts are and how to run them."""

    artifacts_dir: Path
    threads: int = 1
    max_batch: int = 32
    max_wait_ms: float = 2.0
    max_queue: int = 1024
    providers: tuple[str, ...] | None = None
    judge: bool = True  # run the cascade's judge when the artifacts ship one
    # Distinct messages whose preprocessing, n-gram and judge results are remembered (each is a
    # function of the message alone; None: `MESSAGE_CACHE`; 0: none, as the benchmark's figures
    # on distinct messages use).
    message_cache: int | None = None


@dataclass(slots=True)
class _Job:
    text: str
    future: asyncio.Future[Scored]
    enqueued: float = field(default_factory=time.perf_counter)


class ModerationRunner:
    """Scores messages through the whole pipeline; see the module docstring."""

    def __init__(self, config: RunnerConfig, context_store: ContextStore | None = None) -> None:
        self._config = config
        self._store: ContextStore = context_store or InMemoryContextStore()
        self._artifacts = ModelArtifacts(Path(config.artifacts_dir))
        self._policy = Policy.from_dict(DEFAULT_POLICY)
        self._policy_loaded = False
        self._scorer = Scorer(
            self._artifacts,
            tuple(self._policy.labels),
            config.providers,
            judge=config.judge,
            cache=config.message_cache,
        )
        self._executor: ThreadPoolExecutor | None = None
        self._queue: asyncio.Queue[_Job] | None = None
        self._slots: asyncio.Semaphore | None = None
        self._batcher: asyncio.Task[None] | None = None
        self._batches: set[asyncio.Task[None]] = set()
        self._pending = 0
        self._ready = False
        self._stats = RunnerStats()
        self._version = ""

    @property
    def ready(self) -> bool:
        """True between a finished `start()` and `close()`."""
        return self._ready

    @property
    def degraded(self) -> bool:
        """True when verdicts come from the rules alone because the model cannot run."""
        return self._scorer.model_failed

    @property
    def model_version(self) -> str:
        """The shipped model's VERSION ("" before `start()` or when the file is unreadable)."""
        return self._version

    @property
    def policy(self) -> Policy:
        """The policy in force."""
        return self._policy

    async def start(self) -> None:
        """Load the model in the worker threads and warm up; on failure go rules-only."""
        loop = asyncio.get_running_loop()
        threads = max(1, self._config.threads)
        keep_large_blocks_mapped()  # see pipeline/memory.py: per-batch buffers are freed for real
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="moderation")
        self._policy = await loop.run_in_executor(self._executor, self._load_policy)
        self._version = await loop.run_in_executor(self._executor, self._read_version)
        barrier = threading.Barrier(threads)
        loads = [loop.run_in_executor(self._executor, self._warm, barrier) for _ in range(threads)]
        try:
            await asyncio.gather(*loads)
        except ModelError:
            self._scorer.model_failed = True
            log.critical("ALARM moderation model failed to load; running rules-only", exc_info=True)
        # Loading freed more than it keeps (parsed protobufs, graph copies): give it back.
        await asyncio.to_thread(release_freed_memory)
        self._queue = asyncio.Queue()
        self._slots = asyncio.Semaphore(threads)
        self._batcher = asyncio.create_task(self._batch_loop(), name="moderation-batcher")
        self._ready = True

    async def close(self) -> None:
        """Stop accepting, finish what is queued and in flight, stop the threads."""
        self._ready = False
        if self._queue is not None:
            await self._queue.join()
        if self._batcher is not None:
            self._batcher.cancel()
            await asyncio.wait([self._batcher])
            self._batcher = None
        if self._batches:
            await asyncio.wait(self._batches)
        if self._executor is not None:
            executor, self._executor = self._executor, None
            await asyncio.to_thread(executor.shutdown, True)

    async def moderate(
        self, text: str, *, conversation_id: str | None = None, sender_id: str | None = None
    ) -> Verdict:
        """Decide on one message; raises `PipelineOverloaded` when the queue is full."""
        if not self._ready or self._queue is None:
            raise PipelineError("moderation runner is not started")
        if self._pending >= self._config.max_queue:
            self._stats.rejected += 1
            raise PipelineOverloaded(f"moderation queue full ({self._pending} waiting)")
        job = _Job(text, asyncio.get_running_loop().create_future())
        self._pending += 1
        self._queue.put_nowait(job)
        scored = await job.future
        scores: dict[str, float] = dict(scored.scores)
        context_reasons: tuple[str, ...] = ()
        if conversation_id is not None:
            recent = await self._store.recent(conversation_id)
            hit_names = [hit.name for hit in scored.hits]
            now = time.time()
            scores, context_reasons = apply_context(
                scores, hit_names, sender_id, recent, now, normalized=scored.normalized
            )
            _, tail, only_number = number_edges(scored.normalized)
            entry = ContextEntry(
                sender_id, dict(scored.scores), tuple(hit_names), now, tail, only_number
            )
            await self._store.push(conversation_id, entry)
        verdict = self._verdict(scored, scores, context_reasons)
        latency = (time.perf_counter() - job.enqueued) * 1000.0
        self._stats.record_verdict(latency, verdict.action, verdict.flagged, verdict.degraded)
        return verdict

    def score_sync(self, texts: Sequence[str]) -> list[Verdict]:
        """Score a batch in the calling thread, without context (benchmarks, offline use)."""
        if not self._policy_loaded:
            self._policy = self._load_policy()
        return [self._verdict(s, dict(s.scores), ()) for s in self._scorer.score(texts)]

    def stats(self) -> dict[str, Any]:
        """Latency percentiles, batch sizes, queue depth and counts per label and action."""
        snapshot = self._stats.snapshot(self._pending)
        snapshot["degraded"] = self.degraded
        snapshot["model_version"] = self._version
        return snapshot

    def _read_version(self) -> str:
        try:
            return self._artifacts.version.read_text(encoding="utf-8").strip()
        except OSError:
            log.warning("moderation model VERSION unreadable in %s", self._artifacts.root)
            return ""

    def _load_policy(self) -> Policy:
        self._policy_loaded = True
        try:
            return Policy.load(self._artifacts.policy)
        except (OSError, ValueError, KeyError, TypeError):
            log.critical("ALARM moderation policy unreadable; using the default policy")
            return Policy.from_dict(DEFAULT_POLICY)

    def _warm(self, barrier: threading.Barrier) -> None:
        # The barrier makes each load task wait for the others, so that every worker thread
        # loads its own session instead of one thread taking every task.
        barrier.wait(timeout=30.0)
        self._scorer.load().predict(list(_WARMUP))

    def _verdict(
        self, scored: Scored, scores: dict[str, float], context_reasons: tuple[str, ...]
    ) -> Verdict:
        thresholds = self._policy.thresholds
        reasons = [
            f"{label}:model"
            for label, score in scored.model_scores.items()
            if score >= thresholds.get(label, 1.0)
        ]
        reasons += [f"{hit.label}:{hit.name}" for hit in scored.hits]
        reasons += context_reasons
        severe = [hit.name for hit in scored.hits if hit.severe]
        forced = [hit.label for hit in scored.hits if hit.weight > 0.0]
        decision = decide(self._policy, scores, reasons, severe, forced)
        return Verdict(
            action=decision.action,
            flagged=decision.flagged,
            labels={label: scores.get(label, 0.0) for label in self._scorer.labels},
            reasons=decision.reasons,
            intervention=decision.intervention,
            model_ms=scored.model_ms,
            degraded=scored.degraded,
        )

    async def _batch_loop(self) -> None:
        assert self._queue is not None
        assert self._slots is not None
        queue, slots = self._queue, self._slots
        while True:
            await slots.acquire()
            try:
                batch = [await queue.get()]
                await self._fill(queue, batch)
            except BaseException:
                slots.release()
                raise
            task = asyncio.create_task(self._run_batch(batch))
            self._batches.add(task)
            task.add_done_callback(self._batches.discard)

    async def _fill(self, queue: asyncio.Queue[_Job], batch: list[_Job]) -> None:
        limit = self._config.max_batch
        self._drain(queue, batch, limit)
        if len(batch) < 2 or len(batch) >= limit or self._config.max_wait_ms <= 0:
            return
        deadline = asyncio.get_running_loop().time() + self._config.max_wait_ms / 1000.0
        while len(batch) < limit:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            try:
                batch.append(await asyncio.wait_for(queue.get(), remaining))
            except TimeoutError:
                return
            self._drain(queue, batch, limit)

    @staticmethod
    def _drain(queue: asyncio.Queue[_Job], batch: list[_Job], limit: int) -> None:
        while len(batch) < limit and not queue.empty():
            batch.append(queue.get_nowait())

    async def _run_batch(self, batch: list[_Job]) -> None:
        assert self._slots is not None
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        texts = [job.text for job in batch]
        try:
            results = await loop.run_in_executor(self._executor, self._scorer.score, texts)
        except BaseException as exc:
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(PipelineError(f"moderation batch failed: {exc!r}"))
            raise
        else:
            self._stats.record_batch(len(batch), results[0].model_ms if results else 0.0)
            for job, result in zip(batch, results, strict=True):
                if not job.future.done():
                    job.future.set_result(result)
        finally:
            self._slots.release()
            self._pending -= len(batch)
            for _ in batch:
                self._queue.task_done()
