"""The shipped model card is what its template renders from the shipped metrics."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from models import card

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"


def test_shipped_card_matches_its_template(tmp_path: Path) -> None:
    # Only VERSION and model.onnx's size are read from the folder besides the metrics.
    shutil.copy(ARTIFACTS / "VERSION", tmp_path / "VERSION")
    (tmp_path / "model.onnx").symlink_to(ARTIFACTS / "model.onnx")
    results = json.loads((ARTIFACTS / "metrics.json").read_text(encoding="utf-8"))
    card.write(tmp_path, results)
    rendered = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    shipped = (ARTIFACTS / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert rendered == shipped, (
        "models/artifacts/MODEL_CARD.md is stale or the template does not render: regenerate it "
        "with models.card.write (or `python -m models eval`)"
    )
