"""Moderators' decisions as corpus rows (`models/data/decisions.py`, `corpus.add_decided`)."""

import json
from pathlib import Path

import numpy as np
import pytest

from models.card import _table
from models.data import corpus, decisions
from models.data.synthetic import Example
from models.evaluate import decisions_report
from pipeline.stages.normalize import normalize


def line(text: str, labels: list[str], hard: bool, **extra: object) -> str:
    return json.dumps({"text": text, "labels": labels, "hard": hard, **extra})


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_exported_line_becomes_a_row() -> None:
    approved = decisions.parse(line("the gift card is not included", [], True), "f:1")
    assert approved == Example(
        "the gift card is not included", (), "moderation", "moderation/approved", True
    )
    # Extra fields of the export (decision, flagged, decided_at...) are provenance only; the
    # labels come in the corpus's order whatever the file's.
    removed = decisions.parse(
        line("pay me on zelle, send the code", ["off_platform", "scam"], False, decision="x"),
        "f:2",
    )
    assert removed.labels == ("scam", "off_platform")
    assert removed.family == "moderation/removed"
    assert not removed.hard


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        (line("", [], True), "non-empty string"),
        (line("x" * 2001, [], True), "longer than 2000"),
        (json.dumps({"text": "hi", "labels": "scam", "hard": False}), "list of label names"),
        (line("hi", ["fraud"], False), r"unknown labels \['fraud'\]"),
        (json.dumps({"text": "hi", "labels": [], "hard": "yes"}), "'hard' must be true"),
        (line("hi", ["scam"], True), "a hard negative has no labels"),
    ],
)
def test_a_bad_line_names_its_file_and_line(raw: str, why: str) -> None:
    with pytest.raises(decisions.DecisionsError, match=f"^f.jsonl:7: .*{why}"):
        decisions.parse(raw, "f.jsonl:7")


def test_load_drops_disputes_and_repeats(tmp_path: Path) -> None:
    first = write(
        tmp_path / "a.jsonl",
        line("text me on whatsapp", ["off_platform"], False),
        line("Text me on WhatsApp", ["off_platform"], False),  # the same once normalized
        line("i only take cash", [], True),
        "",
    )
    second = write(
        tmp_path / "b.jsonl",
        line("i only take cash", ["off_platform"], False),  # moderators disagree: dropped
        line("you are a clown", ["harassment"], False),
    )
    rows, counts = decisions.load([first, second])
    assert [r.text for r in rows] == ["text me on whatsapp", "you are a clown"]
    assert counts == {"read": 5, "kept": 2, "disputed": 2, "repeated": 1}


def test_decisions_go_last_split_by_text_and_never_replace_a_row() -> None:
    out: dict[str, list[Example]] = {split: [] for split in corpus.SPLITS}
    taken = Example("is it still available?", (), "synthetic", "ordinary/1", False)
    out["train"].append(taken)
    seen = {normalize(taken.text)}
    decided = [
        decisions.parse(line(f"decided message number {i}", [], True), "f:1") for i in range(60)
    ]
    decided.append(decisions.parse(line("Is it still available?", ["spam"], False), "f:2"))
    dropped: dict[str, int] = {}
    corpus.add_decided(out, seen, decided, dropped)
    assert dropped == {"already_in_corpus": 1}
    assert out["train"][0] is taken
    placed = {
        r.text: split for split, rows in out.items() for r in rows if r.source == "moderation"
    }
    assert len(placed) == 60
    for text, split in placed.items():
        assert split == corpus.sms_split(normalize(text))
    assert set(placed.values()) == {"train", "val", "test"}  # 60 texts reach every split


def test_the_report_counts_approved_flags_and_removed_catches() -> None:
    truth = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]])
    flags = np.array(
        [
            [False, True, False, False],  # approved but flagged
            [False, False, False, False],
            [True, False, False, False],  # removed, caught for its label
            [True, False, False, False],  # removed, flagged for another label only
            [False, False, False, False],  # removed, missed
        ]
    )
    report = decisions_report(truth, flags)
    assert report == {
        "approved": 2,
        "approved_flagged_rate": 0.5,
        "removed": 3,
        "removed_caught_rate": pytest.approx(1 / 3),
    }
    figures = {"precision": 1.0, "recall": 1.0, "f1": 1.0, "pr_auc": 1.0, "support": 1}
    table = _table(
        "t",
        {
            "synthetic_test": {"scam": figures, "macro_f1": 1.0},
            "sms_test": {"spam": figures, "binary_macro_f1": 1.0},
            "hard_negatives": 3,
            "hard_negative_fpr": 0.0,
            "moderation_test": report,
        },
    )
    assert (
        "- moderators' decisions in test (real chat): of 2 approved messages **50.00%** "
        "flagged; of 3 removed, **33.33%** flagged for one of their labels"
    ) in table
