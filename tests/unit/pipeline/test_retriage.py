"""`tests/support/retriage.py` rewrites only the standing-list entries whose outcome changed."""

import json
from pathlib import Path

import pytest

from pipeline import ModerationRunner, RunnerConfig
from tests.support.retriage import main, retriage, tally
from tests.support.standing import ARTIFACTS

LIST = """from tests.support.standing import known as _known

FINE = [
    "is it still available?",
    _known("can I pick it up tomorrow at 5?", reason="a hand-written reason"),
    "send me the 6 digit verification code you just got by sms",
]
RISKY = [
    ("send me the 6 digit verification code you just got by sms", "scam"),
    ("is it still available?", "scam"),
    ("is it still available? 🙏", "scam"), ("see you at 5 🙂", "spam"),
]
"""


def test_only_changed_entries_are_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "test_list.py"
    path.write_text(LIST, encoding="utf-8")
    runner = ModerationRunner(RunnerConfig(artifacts_dir=ARTIFACTS))
    assert retriage(path, runner, "9.9.9") == 5
    text = path.read_text(encoding="utf-8")
    # Unchanged: a delivered everyday message and a caught risky one.
    assert '    "is it still available?",\n' in text
    assert '("send me the 6 digit verification code you just got by sms", "scam"),' in text
    # A known case that now passes loses its mark and its reason.
    assert '    "can I pick it up tomorrow at 5?",\n' in text
    assert "a hand-written reason" not in text
    # New failures become strict xfails with the version, the action or the label, and a score.
    assert (
        '_known("send me the 6 digit verification code you just got by sms", reason="9.9.9: '
        in text
    )
    assert '_known("is it still available?", "scam", reason="9.9.9: missed (scam 0.' in text
    # ast counts columns in UTF-8 bytes: entries after an emoji on the same line are cut right.
    assert '    _known("is it still available? 🙏", "scam", reason="9.9.9: missed (scam 0.' in text
    assert '), _known("see you at 5 🙂", "spam", reason="9.9.9: missed (spam 0.' in text
    # The file still parses, and a second pass changes nothing.
    compile(text, str(path), "exec")
    assert retriage(path, runner, "9.9.9") == 0


def test_report_counts_each_list_and_rewrites_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "test_list.py"
    path.write_text(LIST, encoding="utf-8")
    runner = ModerationRunner(RunnerConfig(artifacts_dir=ARTIFACTS))
    counts = tally(path, runner)
    assert set(counts) == {"FINE", "RISKY"}
    fine, risky = counts["FINE"], counts["RISKY"]
    assert (fine.entries, fine.failing, fine.known) == (3, 1, 1)
    assert fine.now_holding == ["can I pick it up tomorrow at 5?"]
    assert len(fine.now_failing) == 1
    assert fine.now_failing[0].startswith("send me the 6 digit verification code")
    assert (risky.entries, risky.failing, risky.known) == (4, 3, 0)
    assert path.read_text(encoding="utf-8") == LIST
    # An annotated tuple (the rules rounds the everyday list takes in) is counted, not rewritten.
    extra = LIST + 'EXTRA: tuple[str, ...] = ("send me the 6 digit verification code",)\n'
    path.write_text(extra, encoding="utf-8")
    assert (tally(path, runner)["EXTRA"].entries, tally(path, runner)["EXTRA"].failing) == (1, 1)
    assert retriage(path, runner, "9.9.9") == 5
    assert path.read_text(encoding="utf-8").endswith(
        'EXTRA: tuple[str, ...] = ("send me the 6 digit verification code",)\n'
    )
    path.write_text(LIST, encoding="utf-8")
    # The command line: the same counts as JSON, for the shipped model or another folder.
    assert main(["--report", "--artifacts", str(ARTIFACTS), str(path)]) == 0
    report = json.loads(capsys.readouterr().out)[str(path)]
    assert report["RISKY"]["failing"] == 3
    assert report["FINE"]["known"] == 1
    assert path.read_text(encoding="utf-8") == LIST
