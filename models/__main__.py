"""`python -m models data|train|export|eval|all|seeds|compare|probe|bands|streamline`: rebuild,
re-measure.

`seeds` trains and exports one build per seed and reports their validation figures only (never
the test split): a change to the data, the rules or the training is judged on several seeds,
since one build's seed noise (about 0.6 macro-F1 points) exceeds most effects. `compare --first
A --second B` then sets two such groups (or two artifact folders) side by side on validation:
the mean of each and the difference, with a paired 95% interval over template families.
`probe` measures what a payment app or messenger that the rules don't know costs the model
(`models/probe.py`, validation families only). `bands` re-tunes the shipped policy's block bands
on validation (`models/bands.py`; export does it for a new build). `streamline` rewrites an
artifact folder's ONNX files into the faster graph export writes since 1.4.2, the same outputs to
the bit (`models/graph.py`; a no-op on files already streamlined). `data --decisions FILE`
adds moderators' decisions exported by `hub moderation-export` (`models/data/decisions.py`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
DATA = CACHE / "data"
RUN = CACHE / "run"
ARTIFACTS = ROOT / "artifacts"
TEACHER_ONNX = CACHE / "teacher.int8.onnx"


def _data(args: argparse.Namespace) -> None:
    from models.data import corpus, decisions

    decided, report = decisions.load(getattr(args, "decisions", None) or [])
    built = corpus.build(CACHE, decided=decided, dropped=report)
    counts = corpus.write(built, DATA)
    out: dict[str, object] = {"rows": counts}
    if decided or report["read"]:
        report["by_split"] = {
            split: sum(r.source == decisions.SOURCE for r in rows) for split, rows in built.items()
        }
        out["decisions"] = report
    print(json.dumps(out))


def _train(args: argparse.Namespace) -> None:
    import torch

    from models.train import TrainConfig, pick_device, train

    torch.set_num_threads(args.threads)
    if not (DATA / "train.jsonl").exists() or args.rebuild_data:
        _data(args)
    config = TrainConfig(
        data_dir=DATA,
        out_dir=RUN,
        seed=args.seed,
        reuse_teacher=args.reuse_teacher,
        device=pick_device(args.device),
    )
    timings = train(config)
    print(json.dumps(timings))


def _export(args: argparse.Namespace) -> None:
    from models.export import ExportConfig, export

    teacher = None if args.no_teacher else TEACHER_ONNX
    report = export(
        ExportConfig(
            run_dir=RUN,
            data_dir=DATA,
            artifacts_dir=ARTIFACTS,
            teacher_out=teacher,
            per_message=args.per_message,
        )
    )
    print(json.dumps(report))


def _eval(args: argparse.Namespace) -> None:
    from models.evaluate import evaluate

    if not (DATA / "blind.jsonl").exists():  # a cache from before the blind set
        _data(args)

    metrics = evaluate(ARTIFACTS, DATA)
    print(json.dumps({k: v for k, v in metrics.items() if k != "per_label"}, indent=2)[:4000])


def _seeds(args: argparse.Namespace) -> None:
    import torch

    from models.seeds import compare
    from models.train import pick_device

    torch.set_num_threads(args.threads)
    if not (DATA / "train.jsonl").exists():
        _data(args)
    seeds = [int(s) for s in args.seeds.split(",")]
    summary = compare(DATA, args.out or CACHE / "seeds", seeds, pick_device(args.device))
    print(json.dumps(summary, indent=2))


def _compare(args: argparse.Namespace) -> None:
    from models.compare import compare

    if args.first is None or args.second is None:
        raise SystemExit("compare needs --first and --second (seeds output or artifact folders)")
    if not (DATA / "val.jsonl").exists():
        _data(args)
    report = compare(DATA, args.first, args.second)
    text = json.dumps(report, indent=2)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


def _probe(args: argparse.Namespace) -> None:
    from models.probe import probe

    report = probe(args.second or ARTIFACTS)
    text = json.dumps(report, indent=2)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


def _bands(_: argparse.Namespace) -> None:
    from models.bands import retune
    from models.data.corpus import read

    if not (DATA / "val.jsonl").exists():
        _data(_)
    print(json.dumps(retune(ARTIFACTS, read(DATA, "val")), indent=2))


def _streamline(args: argparse.Namespace) -> None:
    from models.graph import streamline

    folder = args.second or ARTIFACTS
    report = {
        name: vars(streamline(folder / name))
        for name in ("model.onnx", "judge.onnx")
        if (folder / name).exists()
    }
    print(json.dumps(report, indent=2))


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m models")
    parser.add_argument(
        "command",
        choices=(
            "data",
            "train",
            "export",
            "eval",
            "all",
            "seeds",
            "compare",
            "probe",
            "bands",
            "streamline",
        ),
    )
    parser.add_argument("--seed", type=int, default=15, help="train: 15 built what ships")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rebuild-data", action="store_true")
    parser.add_argument(
        "--decisions",
        type=Path,
        action="append",
        help="data, all: add a `hub moderation-export` file of moderators' decisions (repeatable)",
    )
    parser.add_argument("--no-teacher", action="store_true", help="skip the teacher ONNX export")
    parser.add_argument(
        "--per-message",
        action="store_true",
        help="export: quantize activations per message, not per batch (model card, History)",
    )
    parser.add_argument(
        "--reuse-teacher", action="store_true", help="train only the student on a cached teacher"
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where torch trains (auto: the GPU when torch sees one)",
    )
    parser.add_argument(
        "--seeds", default="13,14,15", help="seeds: train, export and validate one build each"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="seeds: where the builds go; compare, probe: a JSON file",
    )
    parser.add_argument("--first", type=Path, default=None, help="compare: the reference")
    parser.add_argument(
        "--second",
        type=Path,
        default=None,
        help="compare: the candidate; probe, streamline: an artifact folder (default: shipped)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    steps = {
        "data": [_data],
        "train": [_train],
        "export": [_export],
        "eval": [_eval],
        "all": [_train, _export, _eval],
        "seeds": [_seeds],
        "compare": [_compare],
        "probe": [_probe],
        "bands": [_bands],
        "streamline": [_streamline],
    }[args.command]
    if args.command == "all":
        args.rebuild_data = True
    for step in steps:
        started = time.monotonic()
        step(args)
        logging.info("%s took %.0fs", step.__name__.strip("_"), time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
