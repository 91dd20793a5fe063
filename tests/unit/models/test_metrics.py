import numpy as np

from models.metrics import HARD_FPR_BUDGET, tune_thresholds


def _rows() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """600 rows; harassment: 400 positives scored 0.6..0.99, 140 plain negatives at 0.02 and 60
    hard negatives of which 3 (5%) score 0.7, among the positives: letting them through costs
    little F1, keeping them out costs a quarter of the positives."""
    n = 600
    truth = np.zeros((n, 4))
    probs = np.full((n, 4), 0.02)
    truth[:400, 2] = 1
    probs[:400, 2] = np.linspace(0.6, 0.99, 400)
    hard = np.zeros(n, dtype=bool)
    hard[540:] = True
    probs[540:543, 2] = 0.7
    for j in (0, 1, 3):  # a few positives for the other labels, well separated
        truth[400 + j * 5 : 405 + j * 5, j] = 1
        probs[400 + j * 5 : 405 + j * 5, j] = 0.9
    return truth, probs, hard


def test_thresholds_stay_above_the_hard_negatives_when_asked() -> None:
    truth, probs, hard = _rows()
    free = tune_thresholds(truth, probs)
    capped = tune_thresholds(truth, probs, hard)
    # Without the mask the best-F1 threshold lets the 0.7 hard negatives through; with it, the
    # threshold rises above them.
    assert free["harassment"] <= 0.7
    assert capped["harassment"] > 0.7
    flagged = (probs[hard, 2] >= capped["harassment"]).mean()
    assert flagged <= HARD_FPR_BUDGET


def test_an_unreachable_budget_falls_back_to_the_fewest_hard_false_positives() -> None:
    truth, probs, hard = _rows()
    probs[540:, 2] = 0.99  # every hard negative scores like a positive: no threshold helps
    capped = tune_thresholds(truth, probs, hard)
    assert 0.05 <= capped["harassment"] <= 0.95
