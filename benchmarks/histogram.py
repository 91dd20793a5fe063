"""An HDR-style latency histogram: log-bucketed, ~0.8% relative error, mergeable, serializable.

Values are recorded in microseconds. Below ``2**SUB_BITS`` each value has its own bucket; above,
each power of two is split into ``2**(SUB_BITS-1)`` equal buckets, as HdrHistogram does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SUB_BITS = 7
_SUB = 1 << SUB_BITS
_HALF = _SUB >> 1
PERCENTILES = (50.0, 95.0, 99.0, 99.9)


def bucket_of(value_us: int) -> int:
    """The bucket index of a non-negative integer value."""
    if value_us < _SUB:
        return value_us
    shift = value_us.bit_length() - SUB_BITS
    return shift * _HALF + (value_us >> shift)


def bucket_high(index: int) -> int:
    """The highest value that falls into bucket ``index`` (what percentiles report)."""
    if index < _SUB:
        return index
    shift, sub = divmod(index - _SUB, _HALF)
    shift += 1
    return ((sub + _HALF + 1) << shift) - 1


@dataclass
class Histogram:
    """Counts per bucket, plus the exact min, max, count and sum."""

    counts: dict[int, int] = field(default_factory=dict)
    count: int = 0
    total_us: int = 0
    min_us: int = 0
    max_us: int = 0

    def record(self, seconds: float) -> None:
        us = max(0, int(seconds * 1_000_000))
        idx = bucket_of(us)
        self.counts[idx] = self.counts.get(idx, 0) + 1
        if self.count == 0 or us < self.min_us:
            self.min_us = us
        self.max_us = max(self.max_us, us)
        self.count += 1
        self.total_us += us

    def merge(self, other: Histogram) -> None:
        if other.count == 0:
            return
        for idx, n in other.counts.items():
            self.counts[idx] = self.counts.get(idx, 0) + n
        self.min_us = other.min_us if self.count == 0 else min(self.min_us, other.min_us)
        self.max_us = max(self.max_us, other.max_us)
        self.count += other.count
        self.total_us += other.total_us

    def percentile_us(self, pct: float) -> int:
        """The value at or below which ``pct`` percent of recorded values fall."""
        if self.count == 0:
            return 0
        if pct >= 100.0:
            return self.max_us
        rank = max(1, math.ceil(pct / 100.0 * self.count))
        seen = 0
        for idx in sorted(self.counts):
            seen += self.counts[idx]
            if seen >= rank:
                return min(bucket_high(idx), self.max_us)
        return self.max_us

    def summary_ms(self) -> dict[str, float | int]:
        """p50, p95, p99, p99.9, max and mean in milliseconds, and the count."""
        out: dict[str, float | int] = {"count": self.count}
        for p in PERCENTILES:
            out[f"p{p:g}"] = round(self.percentile_us(p) / 1000, 3)
        out["max"] = round(self.max_us / 1000, 3)
        out["mean"] = round(self.total_us / self.count / 1000, 3) if self.count else 0.0
        return out

    def curve_ms(self, points: Iterable[float] | None = None) -> list[tuple[float, float]]:
        """(percentile, ms) pairs for the percentile plot, denser towards the tail."""
        pcts = list(points) if points is not None else _curve_points()
        return [(p, self.percentile_us(p) / 1000) for p in pcts]

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": {str(k): v for k, v in sorted(self.counts.items())},
            "count": self.count,
            "total_us": self.total_us,
            "min_us": self.min_us,
            "max_us": self.max_us,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Histogram:
        return cls(
            counts={int(k): int(v) for k, v in data["counts"].items()},
            count=int(data["count"]),
            total_us=int(data["total_us"]),
            min_us=int(data["min_us"]),
            max_us=int(data["max_us"]),
        )


def _curve_points() -> list[float]:
    out: list[float] = []
    for nines in range(0, 5):
        lo = 100.0 - 100.0 / 10**nines
        hi = 100.0 - 100.0 / 10 ** (nines + 1)
        out.extend(lo + (hi - lo) * i / 10 for i in range(10))
    out.append(100.0)
    return out
