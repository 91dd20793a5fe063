"""Running counters for the moderators' `stats` stream."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["RunnerStats"]

_WINDOW = 4096


@dataclass(slots=True)
class RunnerStats:
    """Latencies and batch sizes over a recent window; counts since start."""

    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=_WINDOW))
    model_ms: deque[float] = field(default_factory=lambda: deque(maxlen=_WINDOW))
    batch_sizes: deque[int] = field(default_factory=lambda: deque(maxlen=_WINDOW))
    actions: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    messages: int = 0
    batches: int = 0
    rejected: int = 0
    degraded_verdicts: int = 0

    def record_batch(self, size: int, model_ms: float) -> None:
        """One batch went through the model."""
        self.batches += 1
        self.batch_sizes.append(size)
        self.model_ms.append(model_ms)

    def record_verdict(
        self, latency_ms: float, action: str, flagged: tuple[str, ...], degraded: bool
    ) -> None:
        """One message was decided."""
        self.messages += 1
        self.latencies_ms.append(latency_ms)
        self.actions[action] += 1
        self.labels.update(flagged)
        self.degraded_verdicts += int(degraded)

    def snapshot(self, queue_depth: int) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "messages": self.messages,
            "batches": self.batches,
            "rejected": self.rejected,
            "degraded_verdicts": self.degraded_verdicts,
            "queue_depth": queue_depth,
            "latency_ms": _percentiles(self.latencies_ms),
            "model_ms": _percentiles(self.model_ms),
            "batch_size": {
                "mean": float(np.mean(self.batch_sizes)) if self.batch_sizes else 0.0,
                "max": max(self.batch_sizes, default=0),
            },
            "actions": dict(self.actions),
            "labels": dict(self.labels),
        }


def _percentiles(values: deque[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    p50, p95, p99 = np.percentile(np.fromiter(values, dtype=np.float64), [50, 95, 99])
    return {"p50": round(float(p50), 3), "p95": round(float(p95), 3), "p99": round(float(p99), 3)}
