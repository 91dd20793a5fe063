"""The suite's HDR-style histogram: bucket bounds, percentiles, merging, serialization."""

from __future__ import annotations

import random

import pytest

from benchmarks.histogram import Histogram, bucket_high, bucket_of


@pytest.mark.parametrize("value", [0, 1, 127, 128, 129, 255, 256, 1000, 12_345, 999_999, 10**8])
def test_a_value_falls_in_a_bucket_whose_bounds_hold_it(value: int) -> None:
    idx = bucket_of(value)
    assert bucket_high(idx) >= value
    assert idx == 0 or bucket_high(idx - 1) < value


def test_buckets_keep_relative_error_under_two_percent() -> None:
    for value in range(128, 2_000_000, 997):
        assert (bucket_high(bucket_of(value)) - value) / value < 0.02


def test_percentiles_of_a_uniform_sample() -> None:
    h = Histogram()
    for ms in range(1, 1001):
        h.record(ms / 1000)
    s = h.summary_ms()
    assert s["count"] == 1000
    assert s["p50"] == pytest.approx(500, rel=0.02)
    assert s["p99"] == pytest.approx(990, rel=0.02)
    assert s["p99.9"] == pytest.approx(999, rel=0.02)
    assert s["max"] == 1000
    assert s["mean"] == pytest.approx(500.5, rel=0.001)


def test_a_percentile_never_exceeds_the_exact_max() -> None:
    h = Histogram()
    h.record(0.0123456)
    assert h.percentile_us(50) == 12_345
    assert h.summary_ms()["p99.9"] == 12.345


def test_empty_histogram_reports_zeros() -> None:
    s = Histogram().summary_ms()
    assert s == {
        "count": 0,
        "p50": 0.0,
        "p95": 0.0,
        "p99": 0.0,
        "p99.9": 0.0,
        "max": 0.0,
        "mean": 0.0,
    }


def test_merge_equals_recording_everything_in_one() -> None:
    rng = random.Random(3)
    values = [rng.expovariate(100) for _ in range(5000)]
    whole, a, b = Histogram(), Histogram(), Histogram()
    for i, v in enumerate(values):
        whole.record(v)
        (a if i % 2 else b).record(v)
    a.merge(b)
    assert a.counts == whole.counts
    assert (a.count, a.min_us, a.max_us, a.total_us) == (
        whole.count,
        whole.min_us,
        whole.max_us,
        whole.total_us,
    )


def test_json_round_trip() -> None:
    h = Histogram()
    for v in (0.001, 0.002, 0.5):
        h.record(v)
    back = Histogram.from_json(h.to_json())
    assert back == h
    assert back.percentile_us(100) == 500_000


def test_curve_is_monotonic_and_ends_at_max() -> None:
    h = Histogram()
    for i in range(10_000):
        h.record(i / 1e6)
    curve = h.curve_ms()
    values = [ms for _, ms in curve]
    assert values == sorted(values)
    assert curve[-1] == (100.0, h.max_us / 1000)
