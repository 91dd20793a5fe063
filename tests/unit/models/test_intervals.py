import numpy as np

from models import intervals


def _families(count: int, size: int) -> list[str]:
    return [f"family-{i}" for i in range(count) for _ in range(size)]


def test_a_draw_takes_whole_families() -> None:
    clusters = _families(5, 4)
    weights = intervals.resample(clusters, draws=50, seed=1)
    assert weights.shape == (50, 20)
    # Every draw takes five families: 20 rows' worth of weight, in blocks of four equal weights.
    assert np.all(weights.sum(axis=1) == 20)
    blocks = weights.reshape(50, 5, 4)
    assert np.all(blocks == blocks[:, :, :1])


def test_same_seed_same_draws() -> None:
    clusters = _families(30, 3)
    first = intervals.resample(clusters, draws=20, seed=7)
    assert np.array_equal(first, intervals.resample(clusters, draws=20, seed=7))
    assert not np.array_equal(first, intervals.resample(clusters, draws=20, seed=8))


def test_errors_that_come_in_families_widen_the_interval() -> None:
    # 400 rows; 40 are flagged. Spread over 40 families they are nearly independent draws; packed
    # into 4 whole families of 10 they are four draws, and the rate could easily be 0 or double.
    hits = np.zeros(400, dtype=bool)
    hits[:40] = True
    spread = intervals.rate(intervals.resample([str(i % 40) for i in range(400)]), hits)
    packed = intervals.rate(intervals.resample([str(i // 10) for i in range(400)]), hits)
    assert np.isclose(np.median(spread), 0.1, atol=0.01)
    low, high = intervals.interval(packed)
    low_spread, high_spread = intervals.interval(spread)
    assert high - low > 3 * (high_spread - low_spread)
    assert low < 0.1 < high


def test_label_figures_match_the_plain_ones_on_an_unweighted_draw() -> None:
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 2, size=(200, 4))
    flags = np.where(rng.random((200, 4)) < 0.8, truth, 1 - truth)
    truth[:, 3] = 0  # a label the split does not have is left out of the macro mean
    figures = intervals.label_figures(np.ones((1, 200)), truth, flags)
    for j in range(3):
        tp = int((truth[:, j] & flags[:, j]).sum())
        precision, recall = tp / flags[:, j].sum(), tp / truth[:, j].sum()
        assert np.isclose(figures["precision"][0, j], precision)
        assert np.isclose(figures["recall"][0, j], recall)
        assert np.isclose(figures["f1"][0, j], 2 * precision * recall / (precision + recall))
    assert np.isclose(figures["macro_f1"][0], figures["f1"][0, :3].mean())


def test_binary_macro_f1_averages_both_classes() -> None:
    truth = np.array([1, 1, 0, 0, 0, 0])
    flags = np.array([1, 0, 1, 0, 0, 0])
    # flagged class: P 1/2, R 1/2, F1 0.5; unflagged class: P 3/4, R 3/4, F1 0.75.
    value = intervals.binary_macro_f1(np.ones((1, 6)), truth, flags)
    assert np.isclose(value[0], 0.625)


def test_a_paired_difference_reports_how_often_the_first_wins() -> None:
    samples = np.array([-0.01, 0.02, 0.03, 0.04])
    out = intervals.summary(samples)
    assert out["share_above_zero"] == 0.75
    assert out["ci"][0] < 0.0 < out["ci"][1]


def test_the_card_says_whether_a_missed_target_is_within_noise() -> None:
    from models.card import _target_line

    near = {"value": 0.94, "met": False, "ci95": [0.92, 0.955]}
    far = {"value": 0.05, "met": False, "ci95": [0.02, 0.08]}
    tie = {"value": {"model": 0.94, "baseline": 0.95}, "met": False}
    tie["ci95"] = {"ci": [-0.03, 0.02], "share_above_zero": 0.4}
    assert _target_line("synthetic_macro_f1>=0.95", near).endswith("(within noise)")
    assert _target_line("hard_negative_fpr<=0.01", far).endswith("(beyond noise)")
    blind = {"value": 0.02, "met": False, "ci95": [0.008, 0.04]}
    assert _target_line("blind_hard_negative_fpr<=0.01", blind).endswith("(within noise)")
    assert _target_line("beats_baseline_f1:spam", tie).endswith("(within noise)")
    low = {"value": {"precision": 0.9, "recall": 0.95}, "met": False}
    low["ci95"] = {"precision": [0.85, 0.94], "recall": [0.93, 0.97]}
    assert _target_line("off_platform_recall>=0.90@precision>=0.95", low).endswith("(beyond noise)")
    assert "noise" not in _target_line("sms_macro_f1>=0.96", {"value": 0.97, "met": True})
