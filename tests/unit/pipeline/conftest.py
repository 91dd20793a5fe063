import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"


@pytest.fixture
def artifacts() -> Path:
    """The shipped artifacts folder."""
    assert (ARTIFACTS / "model.onnx").exists(), "run `python -m models all` to build the artifacts"
    return ARTIFACTS


@pytest.fixture
def broken_artifacts(tmp_path: Path) -> Path:
    """A copy of the artifacts whose model file is corrupt."""
    for name in ("tokenizer.json", "labels.json", "policy.json", "VERSION"):
        shutil.copyfile(ARTIFACTS / name, tmp_path / name)
    (tmp_path / "model.onnx").write_bytes(b"not an onnx model")
    return tmp_path
