"""Bring a standing list's strict xfails up to date with the shipped model.

`python -m tests.support.retriage FILE...` scores every entry of every module-level list in each
file through the shipped pipeline, alone (as `verdicts_alone` does), and rewrites only the
entries whose outcome changed: a `known(...)` case that now passes becomes a plain entry, and a
plain entry that now fails becomes `known(...)` with the score in its reason. Entries whose
outcome did not change keep their text and hand-written reasons. An entry is a text (everyday:
delivered as it is) or a (text, label) pair (risky: flagged for the label); others are left alone.
Run `ruff format` on the files afterwards; review the diff, as it changes what the lists claim.

`python -m tests.support.retriage --report [--artifacts DIR] FILE...` rewrites nothing: it prints,
for each list in each file, how many entries fail under the model in DIR (the shipped one by
default) against how many are marked known, and the entries whose outcome differs from their
mark. This is how a candidate build is held to a bar on the standing lists before it ships.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline import ModerationRunner, RunnerConfig
from pipeline.verdict import Verdict
from tests.support.standing import ARTIFACTS, assert_delivered, assert_flagged


def _entry(node: ast.expr) -> tuple[tuple[str, ...], bool] | None:
    """(values, is_known) of a list element, or None when it is not a standing-list entry."""
    known = False
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_known", "known"):
        known, args = True, node.args
    elif isinstance(node, ast.Tuple):
        args = node.elts
    else:
        args = [node]
    values = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if not args or len(values) != len(args):
        return None
    return tuple(values), known


def outcome(verdict: Verdict, values: tuple[str, ...]) -> str | None:
    """None when the entry holds for `verdict` (the lists' own checks); else why it does not."""
    try:
        if len(values) == 1:
            assert_delivered(verdict)
        else:
            assert_flagged(verdict, values[1])
    except AssertionError:
        if len(values) == 1:
            top = max(verdict.flagged, key=lambda k: verdict.labels[k], default="")
            return f"{verdict.action.value} as {top} ({verdict.labels.get(top, 0.0):.2f})"
        first = values[1].split("|")[0]
        return f"missed ({first} {verdict.labels[first]:.2f})"
    return None


def _entries(
    source: str, tuples: bool = False
) -> Iterator[tuple[str, ast.expr, tuple[str, ...], bool]]:
    """(list name, node, values, is_known) of every standing-list entry of a module's source:
    module-level lists, and with `tuples` also tuples and annotated assignments (the rules
    rounds of `tests/support/everyday.py`, which the everyday list takes in; counted, never
    rewritten)."""
    kinds = (ast.List, ast.Tuple) if tuples else (ast.List,)
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Assign):
            target = statement.targets[0]
        elif tuples and isinstance(statement, ast.AnnAssign):
            target = statement.target
        else:
            continue
        if not isinstance(statement.value, kinds):
            continue
        name = ast.unparse(target)
        for node in statement.value.elts:
            parsed = _entry(node)
            if parsed is not None:
                yield name, node, *parsed


@dataclass
class Tally:
    """One list under one model: its entries, how many fail, how many are marked known, and
    the entries whose outcome differs from their mark."""

    entries: int = 0
    failing: int = 0
    known: int = 0
    now_failing: list[str] = field(default_factory=list)
    now_holding: list[str] = field(default_factory=list)


def tally(path: Path, runner: ModerationRunner) -> dict[str, Tally]:
    """Each list of `path` scored with `runner`'s model, by list name; nothing is rewritten."""
    out: dict[str, Tally] = {}
    for name, _, values, known in _entries(path.read_text(encoding="utf-8"), tuples=True):
        why = outcome(runner.score_sync([values[0]])[0], values)
        row = out.setdefault(name, Tally())
        row.entries += 1
        row.failing += why is not None
        row.known += known
        if why is not None and not known:
            row.now_failing.append(f"{values[0]}: {why}")
        elif why is None and known:
            row.now_holding.append(values[0])
    return out


def retriage(path: Path, runner: ModerationRunner, version: str) -> int:
    """Rewrite `path`'s changed entries; return how many changed."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, int, int, str]] = []
    for _, node, values, known in _entries(source):
        why = outcome(runner.score_sync([values[0]])[0], values)
        args = ", ".join(_quote(v) for v in values)
        if known and why is None:
            text = args if len(values) == 1 else f"({args})"
        elif not known and why is not None:
            text = f"_known({args}, reason={_quote(f'{version}: {why}')})"
        else:
            continue
        edits.append(
            (
                node.lineno,
                node.col_offset,
                node.end_lineno or node.lineno,
                node.end_col_offset or 0,
                text,
            )
        )
    for start, col, end, end_col, text in sorted(edits, reverse=True):
        # ast's column offsets count UTF-8 bytes, not characters (an emoji is four).
        head = lines[start - 1].encode("utf-8")[:col].decode("utf-8")
        tail = lines[end - 1].encode("utf-8")[end_col:].decode("utf-8")
        lines[start - 1 : end] = [head + text + tail]
    path.write_text("".join(lines), encoding="utf-8")
    return len(edits)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.retriage")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--report", action="store_true", help="count, rewrite nothing")
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS, help="with --report")
    args = parser.parse_args(argv)
    if not args.report and args.artifacts != ARTIFACTS:
        parser.error("only --report scores another model: the lists' marks follow the shipped one")
    runner = ModerationRunner(RunnerConfig(artifacts_dir=args.artifacts))
    if args.report:
        report = {str(p): {k: asdict(v) for k, v in tally(p, runner).items()} for p in args.files}
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    version = (ARTIFACTS / "VERSION").read_text(encoding="utf-8").strip()
    for name in args.files:
        print(f"{name}: {retriage(name, runner, version)} entries changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
