from pathlib import Path

import numpy as np
import pytest

from models.compare import builds_in, clusters_of, paired
from models.data.synthetic import Example


def _split() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """40 families of 5 rows: 20 families of scam, 20 of hard negatives."""
    clusters = [f"f{i}" for i in range(40) for _ in range(5)]
    truth = np.zeros((200, 4), dtype=np.int64)
    truth[:100, 0] = 1
    hard = np.zeros(200, dtype=bool)
    hard[100:] = True
    return truth, hard, clusters


def _flags(truth: np.ndarray, missed: int, flagged_hard: int) -> np.ndarray:
    """Every scam flagged but the first `missed` families; the first `flagged_hard` families of
    hard negatives flagged as scam."""
    flags = truth.astype(bool).copy()
    flags[: 5 * missed, 0] = False
    flags[100 : 100 + 5 * flagged_hard, 0] = True
    return flags


def test_the_same_builds_on_both_sides_differ_by_nothing() -> None:
    truth, hard, clusters = _split()
    builds = [_flags(truth, 2, 3), _flags(truth, 4, 1)]
    out = paired(truth, hard, clusters, builds, builds, draws=200)
    for name in ("val_macro_f1", "val_hard_flagged"):
        assert out[name]["difference"] == 0.0
        assert out[name]["ci"] == [0.0, 0.0]


def test_groups_are_averaged_over_their_builds() -> None:
    truth, hard, clusters = _split()
    first = [_flags(truth, 0, 2), _flags(truth, 0, 4)]  # 10 and 20 hard negatives flagged
    second = [_flags(truth, 0, 6)]
    out = paired(truth, hard, clusters, first, second, draws=200)
    assert out["builds"] == {"first": 2, "second": 1}
    assert out["val_hard_flagged"]["first"] == 15.0
    assert out["val_hard_flagged"]["second"] == 30.0
    assert out["val_hard_flagged"]["difference"] == 15.0


def test_a_consistent_difference_is_resolved_and_a_one_family_one_is_not() -> None:
    truth, hard, clusters = _split()
    base = [_flags(truth, 6, 6)]
    better = [_flags(truth, 0, 0)]  # six fewer missed families and six fewer false alarms
    out = paired(truth, hard, clusters, base, better, draws=500)
    assert out["val_macro_f1"]["ci"][0] > 0.0
    assert out["val_macro_f1"]["share_above_zero"] > 0.95  # a draw may miss all twelve
    assert out["val_hard_flagged"]["ci"][1] < 0.0
    # One more hard-negative family flagged: +5 rows, but a draw may leave that family out.
    worse = [_flags(truth, 6, 7)]
    out = paired(truth, hard, clusters, base, worse, draws=500)
    assert out["val_hard_flagged"]["difference"] == 5.0
    assert out["val_hard_flagged"]["ci"][0] == 0.0
    assert 0.0 < out["val_hard_flagged"]["share_above_zero"] < 1.0


def test_an_empty_side_is_refused() -> None:
    truth, hard, clusters = _split()
    with pytest.raises(ValueError, match="at least one build"):
        paired(truth, hard, clusters, [], [_flags(truth, 0, 0)], draws=10)


def test_sms_rows_are_their_own_clusters() -> None:
    rows = [
        Example("a", (), "synthetic", "fine/1", False),
        Example("b", (), "synthetic", "fine/1", False),
        Example("c", ("spam",), "sms", "sms_spam", False),
        Example("d", ("spam",), "sms", "sms_spam", False),
    ]
    assert clusters_of(rows) == ["fine/1", "fine/1", "sms-2", "sms-3"]


def test_builds_are_found_in_a_seeds_folder_or_as_one_artifacts_folder(tmp_path: Path) -> None:
    for seed in (13, 14):
        (tmp_path / "seeds" / f"seed-{seed}" / "arts").mkdir(parents=True)
        (tmp_path / "seeds" / f"seed-{seed}" / "arts" / "labels.json").write_text("{}")
    (tmp_path / "seeds" / "seed-15" / "run").mkdir(parents=True)  # still training: no arts
    assert [p.parent.name for p in builds_in(tmp_path / "seeds")] == ["seed-13", "seed-14"]
    one = tmp_path / "artifacts"
    one.mkdir()
    (one / "labels.json").write_text("{}")
    assert builds_in(one) == [one]
    with pytest.raises(FileNotFoundError):
        builds_in(tmp_path / "seeds" / "seed-15")


def test_a_build_is_scored_from_the_flags_its_own_checkout_saved(tmp_path: Path) -> None:
    from models.compare import build_flags
    from models.seeds import FLAGS

    rows = [Example(str(i), (), "synthetic", f"f{i}", False) for i in range(3)]
    arts = tmp_path / "seed-15" / "arts"
    arts.mkdir(parents=True)
    saved = np.zeros((3, 4), dtype=bool)
    saved[1, 2] = True
    np.save(tmp_path / "seed-15" / FLAGS, saved)
    assert np.array_equal(build_flags(arts, rows), saved)
    with pytest.raises(ValueError, match="validation rows"):
        build_flags(arts, rows[:2])
