"""Moderation benchmark: `python -m benchmarks.moderation [--artifacts DIR] [--out FILE]`.

Measures, on this machine, with the shipped artifacts: model load time; the pipeline's added
latency per message (normalize, rules, model, policy; one message at a time, one thread) as
p50/p95/p99; the async runner's latency one message at a time; throughput in batches of 1, 8,
32 and 64 (one thread) and through the runner under concurrent load (all threads; with the
cores it kept busy and its CPU time a message, which show how much the workers' Python stages
wait for each other on the interpreter lock); resident
memory of the runtime; the runner's throughput again on the test messages with no label
(ordinary chat and harmless look-alikes, which the judge sees less often); the share of
messages the cascade's judge rescores (all messages, and those with no label); the runner on a
crude scam or spam wave (200 messages sent 10 times each) with and without the message cache
(`pipeline/scoring.py`, `pipeline/stages/model.py`; the other figures run without it, since they
score the same messages more than once); and, when
`models/.cache/teacher.int8.onnx` exists, the int8 MiniLM-L6 teacher's per-message latency for
comparison. Prints the figures and writes them as JSON. `--no-judge` runs the first stage alone.
The messages are the held-out test split, mostly risky text: a harsher mix than real chat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from pipeline import ModerationRunner, RunnerConfig
from pipeline.stages.int8 import signed_kernel_is_exact
from pipeline.stages.model import PROVIDER_CHOICES, ModelArtifacts, OnnxModel

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "models" / "artifacts"
TEST_DATA = ROOT / "models" / ".cache" / "data" / "test.jsonl"
TEACHER = ROOT / "models" / ".cache" / "teacher.int8.onnx"
OUT = ROOT / "benchmarks" / "results" / "moderation.json"

Providers = tuple[str, ...] | None

# Used when the corpus was not built here (and by the CUDA parity test).
SAMPLE = [
    "is it still available? i can pick up saturday",
    "would you take $120 for the bike?",
    "send me the verification code you just got",
    "text me at (415) 555-0192, faster",
    "i'll pay cash at pickup, see you at the starbucks on 5th",
    "can i pay with zelle? i send now",
    "you're an idiot, learn to read",
    "earn $500 a day from home, dm me",
]


# CPU features that change int8 speed, and once changed its results (see `unsign_weights` in
# models/export.py): VNNI and AMX multiply int8 in one instruction; plain AVX2 does not.
_INT8_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "asimddp", "i8mm")


def cpu_description(cpuinfo: str | None = None) -> str:
    """The CPU's model name and its int8-relevant instruction sets, from /proc/cpuinfo."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return platform.processor() or "unknown"
    name, flags = "", set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and not name:
            name = value.strip()
        elif key in ("flags", "Features") and not flags:
            flags = set(value.split())
    present = " ".join(flag for flag in _INT8_FLAGS if flag in flags) or "no int8 extensions"
    return f"{name or platform.processor() or 'unknown'} ({present})"


def messages(limit: int) -> list[str]:
    """Held-out test messages when the corpus was built here, else a fixed sample."""
    texts = [text for text, _ in _rows()]
    return [texts[i % len(texts)] for i in range(limit)]


def _rows() -> list[tuple[str, bool]]:
    """(text, has a label) of the held-out test split, else of the fixed sample."""
    if TEST_DATA.exists():
        with TEST_DATA.open(encoding="utf-8") as fh:
            return [(row["text"], bool(row["labels"])) for row in map(json.loads, fh)]
    return [(text, True) for text in SAMPLE]


def routed_share(artifacts: Path, providers: Providers = None) -> dict[str, float] | None:
    """Share of messages the cascade sends to the judge: all test messages, and those with no
    label (ordinary chat and harmless look-alikes)."""
    from models.data.corpus import model_text

    first = OnnxModel(ModelArtifacts(artifacts), providers, cascade=False)
    cascade = OnnxModel(ModelArtifacts(artifacts), providers).cascade
    if cascade is None:
        return None
    rows = _rows()
    texts = [model_text(text) for text, _ in rows]
    probs = np.concatenate([first.predict(texts[i : i + 64]) for i in range(0, len(texts), 64)])
    routed = cascade.route(probs, first.head_lengths(texts))
    fine = np.array([not labelled for _, labelled in rows])
    return {
        "all": float(routed.mean()),
        "no_label": float(routed[fine].mean()) if fine.any() else 0.0,
    }


def _pct(values: list[float]) -> dict[str, float]:
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "p99_ms": float(p99),
        "mean_ms": statistics.fmean(values),
    }


def single_latency(runner: ModerationRunner, texts: list[str], warm: int = 50) -> dict[str, float]:
    """Pipeline latency, one message per call, in this thread (after `warm` unmeasured)."""
    runner.score_sync(texts[:warm])
    times = []
    for text in texts:
        started = time.perf_counter()
        runner.score_sync([text])
        times.append((time.perf_counter() - started) * 1000.0)
    return _pct(times)


def long_texts(texts: list[str], chars: int, count: int) -> list[str]:
    """`count` messages of about `chars` characters (at most `chars`, the hub's limit being
    2,000), each joined from consecutive held-out messages."""
    out: list[str] = []
    index = 0
    while len(out) < count:
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < chars:
            parts.append(texts[index % len(texts)])
            index += 1
        out.append(" ".join(parts)[:chars])
    return out


def long_latency(
    runner: ModerationRunner, model: OnnxModel, texts: list[str], chars: int, count: int = 60
) -> dict[str, float]:
    """Pipeline latency of a long message, one per call (scored as its head and windows; see
    `pipeline.stages.model.windows`), and its mean number of windows."""
    longs = long_texts(texts, chars, count)
    windows = statistics.fmean(len(model.windows(text)) for text in longs)
    return {**single_latency(runner, longs, warm=5), "windows": windows, "chars": float(chars)}


def batch_throughput(runner: ModerationRunner, texts: list[str], size: int) -> float:
    """Messages per second through `score_sync` in batches of `size` (one thread)."""
    batches = [texts[i : i + size] for i in range(0, len(texts) - size + 1, size)]
    started = time.perf_counter()
    for batch in batches:
        runner.score_sync(batch)
    return len(batches) * size / (time.perf_counter() - started)


async def runner_figures(
    artifacts: Path,
    texts: list[str],
    threads: int,
    judge: bool = True,
    providers: Providers = None,
    *,
    message_cache: int | None = 0,
    single: int = 1000,
) -> dict[str, Any]:
    """Async runner: latency one at a time (the first `single` messages), then throughput with
    everything in flight. No message cache unless `message_cache` says so: these messages are
    distinct, and the one-at-a-time pass would otherwise leave its results behind for the
    second."""
    runner = ModerationRunner(
        RunnerConfig(
            artifacts_dir=artifacts,
            threads=threads,
            max_queue=len(texts) + 1,
            judge=judge,
            providers=providers,
            message_cache=message_cache,
        )
    )
    await runner.start()
    try:
        one = []
        for text in texts[:single]:
            started = time.perf_counter()
            await runner.moderate(text)
            one.append((time.perf_counter() - started) * 1000.0)
        batches_before = runner.stats()["batches"]
        cpu_before = os.times()
        started = time.perf_counter()
        await asyncio.gather(*(runner.moderate(t) for t in texts))
        wall = time.perf_counter() - started
        cpu_after = os.times()
        rate = len(texts) / wall
        batches = runner.stats()["batches"] - batches_before
        cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    finally:
        await runner.close()
    return {
        "one_at_a_time": _pct(one) if one else {},
        "concurrent_msgs_per_s": rate,
        # Cores kept busy (process CPU time over wall time): under `threads` plus the event
        # loop's share when the workers wait for the interpreter lock (their Python stages).
        "busy_cores": cpu / wall,
        "cpu_us_per_msg": cpu * 1e6 / len(texts),
        "threads": threads,
        "mean_batch": len(texts) / max(1, batches),
    }


WAVE_DISTINCT = 200
WAVE_REPEATS = 10


def wave_messages(texts: list[str]) -> list[str]:
    """`WAVE_DISTINCT` of the messages, each `WAVE_REPEATS` times, in a fixed shuffled order:
    the same texts sent to many people, as bots do."""
    distinct = texts[:WAVE_DISTINCT]
    wave = [text for text in distinct for _ in range(WAVE_REPEATS)]
    order = np.random.default_rng(0).permutation(len(wave))
    return [wave[i] for i in order]


def minilm_file(artifacts: Path) -> Path | None:
    """An int8 MiniLM-L6: the shipped judge, else the teacher of a local training run (the same
    network); also a gauge of the machine's speed from run to run."""
    for path in (artifacts / "judge.onnx", TEACHER):
        if path.exists():
            return path
    return None


def teacher_latency(
    texts: list[str], tokenizer: OnnxModel, path: Path | None
) -> dict[str, float] | None:
    """An int8 MiniLM-L6 alone, same tokenizer and one thread, one message at a time."""
    if path is None:
        return None
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    times = []
    for text in texts:
        started = time.perf_counter()
        ids, mask = tokenizer.encode([text])
        session.run(["logits"], {"input_ids": ids, "attention_mask": mask})
        times.append((time.perf_counter() - started) * 1000.0)
    return _pct(times[20:])


_FOOTPRINT = """
import asyncio, json, sys, time
started = time.perf_counter()
from pipeline import ModerationRunner, RunnerConfig
from pipeline.stages.model import ModelArtifacts, OnnxModel
imported = time.perf_counter()
judge = sys.argv[3] == "1"
providers = tuple(sys.argv[4].split(",")) if sys.argv[4] else None
OnnxModel(ModelArtifacts(__import__("pathlib").Path(sys.argv[1])), providers, cascade=judge)
loaded = time.perf_counter()
import psutil

async def main():
    runner = ModerationRunner(RunnerConfig(artifacts_dir=__import__("pathlib").Path(sys.argv[1]),
                                           threads=int(sys.argv[2]), max_queue=100_000,
                                           judge=judge, providers=providers))
    t = time.perf_counter()
    await runner.start()
    start_s = time.perf_counter() - t
    texts = json.loads(sys.stdin.read())
    await asyncio.gather(*(runner.moderate(x) for x in texts))
    await runner.close()
    return start_s

start_s = asyncio.run(main())
print(json.dumps({"import_s": imported - started, "load_s": loaded - imported,
                  "runner_start_s": start_s, "rss_mb": psutil.Process().memory_info().rss / 2**20}))
"""


def footprint(
    artifacts: Path, texts: list[str], threads: int, judge: bool = True, providers: Providers = None
) -> dict[str, float]:
    """Load time and resident memory of the runtime alone, in a fresh interpreter."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _FOOTPRINT,
            str(artifacts),
            str(threads),
            "1" if judge else "0",
            ",".join(providers or ()),
        ],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def run(
    artifacts: Path, count: int, judge: bool = True, providers: Providers = None
) -> dict[str, Any]:
    """Every figure, as a JSON-ready dict; `judge=False` runs the first stage alone;
    `providers` None: CUDA when onnxruntime has it, else the CPU (as the hub does)."""
    texts = messages(count)
    threads = os.cpu_count() or 1
    cold = footprint(artifacts, texts[:2000], threads, judge, providers)
    model = OnnxModel(ModelArtifacts(artifacts), providers, cascade=judge)
    # No message cache: the passes below score the same messages again and again.
    runner = ModerationRunner(
        RunnerConfig(artifacts_dir=artifacts, judge=judge, providers=providers, message_cache=0)
    )
    single = single_latency(runner, texts[:3000])
    longs = {str(n): long_latency(runner, model, texts, n) for n in (500, 2000)}
    throughput = {str(n): batch_throughput(runner, texts, n) for n in (1, 8, 32, 64)}
    async_figures = asyncio.run(runner_figures(artifacts, texts, threads, judge, providers))
    unlabelled = [text for text, labelled in _rows() if not labelled] or texts
    unlabelled = [unlabelled[i % len(unlabelled)] for i in range(count)]
    ordinary = asyncio.run(runner_figures(artifacts, unlabelled, threads, judge, providers))
    wave = wave_messages(texts)
    waves = {
        name: asyncio.run(
            runner_figures(
                artifacts, wave, threads, judge, providers, message_cache=cache, single=0
            )
        )["concurrent_msgs_per_s"]
        for name, cache in (("message_cache", None), ("no_message_cache", 0))
    }
    minilm = minilm_file(artifacts)
    teacher = teacher_latency(texts[:500], model, minilm)
    return {
        "machine": f"{platform.machine()}, {threads} CPU cores, {platform.python_version()}",
        "cpu": cpu_description(),
        "model_version": ModelArtifacts(artifacts).version.read_text(encoding="utf-8").strip(),
        # How the shipped uint8 weights ran: as int8 where this CPU's uint8 x int8 kernel is
        # exact (VNNI; faster), else as uint8 (pipeline/stages/int8.py).
        "int8_weights": "int8" if signed_kernel_is_exact() else "uint8",
        "judge": judge and model.cascade is not None,
        "providers": model.providers,
        "messages": len(texts),
        "messages_source": "held-out test split" if TEST_DATA.exists() else "fixed sample",
        "model_load_s": cold["load_s"],
        "runtime_import_s": cold["import_s"],
        "runner_start_s": cold["runner_start_s"],
        "pipeline_p50_ms": single["p50_ms"],
        "pipeline_p95_ms": single["p95_ms"],
        "pipeline_p99_ms": single["p99_ms"],
        "long_message_ms": longs,
        "runner_p50_ms": async_figures["one_at_a_time"]["p50_ms"],
        "runner_p99_ms": async_figures["one_at_a_time"]["p99_ms"],
        "throughput_msgs_per_s": throughput,
        "runner_concurrent_msgs_per_s": async_figures["concurrent_msgs_per_s"],
        "runner_concurrent_msgs_per_s_unlabelled": ordinary["concurrent_msgs_per_s"],
        # A crude scam/spam wave: WAVE_DISTINCT test messages, each sent WAVE_REPEATS times,
        # shuffled; with the message cache (as shipped) and without.
        "runner_wave_msgs_per_s": waves,
        "runner_busy_cores": async_figures["busy_cores"],
        "runner_cpu_us_per_msg": async_figures["cpu_us_per_msg"],
        "runner_mean_batch": async_figures["mean_batch"],
        "rss_mb": cold["rss_mb"],
        "rss_note": f"fresh interpreter: pipeline imported, runner with {threads} threads started, "
        "2000 messages moderated",
        "teacher_int8": teacher,
        "teacher_int8_file": None if minilm is None else minilm.name,
        "judge_routed_share": routed_share(artifacts, providers) if judge else None,
        "artifact_bytes": sum(
            (artifacts / name).stat().st_size
            for name in ("model.onnx", "lexical.npz", "judge.onnx")
            if (artifacts / name).exists()
        ),
    }


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.moderation")
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--messages", type=int, default=6400)
    parser.add_argument(
        "--no-judge", action="store_true", help="first stage alone (HUB_MODERATION_JUDGE=false)"
    )
    parser.add_argument(
        "--providers",
        choices=sorted(PROVIDER_CHOICES),
        default="auto",
        help="onnxruntime providers: auto (CUDA when present, as the hub), cpu or cuda",
    )
    args = parser.parse_args()
    figures = run(
        args.artifacts,
        args.messages,
        judge=not args.no_judge,
        providers=PROVIDER_CHOICES[args.providers],
    )
    print(json.dumps(figures, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
