"""`hub moderation-export` when it cannot do its job: a clear error and an exit code, no file."""

from pathlib import Path

import pytest

from hub.__main__ import build_parser
from hub.settings import Settings


def test_an_unreachable_database_is_a_clear_error_and_leaves_no_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "decisions.jsonl"
    args = build_parser().parse_args(["moderation-export", "--out", str(out)])
    settings = Settings(database_url="mysql+asyncmy://nobody:wrong@127.0.0.1:1/none")
    assert args.func(settings, args) == 1
    assert list(tmp_path.iterdir()) == []  # neither the file nor its .partial
    assert "moderation export failed, nothing written" in caplog.text


def test_a_bad_since_is_refused_before_anything_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    args = build_parser().parse_args(
        ["moderation-export", "--out", str(tmp_path / "x.jsonl"), "--since", "last tuesday"]
    )
    assert args.func(Settings(), args) == 2
    assert "not an ISO date" in caplog.text
    assert list(tmp_path.iterdir()) == []
