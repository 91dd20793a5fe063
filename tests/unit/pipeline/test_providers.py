"""Execution providers: CUDA first when onnxruntime has it, else the CPU; same scores on both.

The CUDA test runs only where onnxruntime-gpu sees a GPU (it needs no fixture from conftest nor
the hub's packages, so that it runs on a bare GPU machine: `pytest --noconftest -k cuda`).
"""

from pathlib import Path

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]
import pytest

from benchmarks.moderation import SAMPLE
from pipeline.stages import model as model_stage
from pipeline.stages.model import ModelArtifacts, OnnxModel, select_providers
from pipeline.stages.normalize import normalize
from pipeline.stages.policy import Policy

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"
CUDA, CPU = "CUDAExecutionProvider", "CPUExecutionProvider"
HAS_CUDA = CUDA in ort.get_available_providers()

TEXTS = [
    *SAMPLE,
    "my cousin will pick it up, I sent the money by cashier's check, refund the extra",
    "hit me up on whats app plz, plus one four one five five five",
    "ok deal, I'll pay in the app",
    "lowest you'd go? 80 is my max",
    "congrats!! you won a $1000 gift card, claim at bit.ly/xyz",
    "ship it today or I'll find where you live",
    "meet at the police station lot, zip 94110",
    "envie o pix no meu numero",
]


def test_cuda_comes_first_only_when_onnxruntime_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_stage.ort, "get_available_providers", lambda: [CUDA, CPU])
    assert select_providers() == [CUDA, CPU]
    assert select_providers([CPU]) == [CPU]
    monkeypatch.setattr(model_stage.ort, "get_available_providers", lambda: [CPU])
    assert select_providers() == [CPU]
    assert select_providers([CUDA]) == [CPU]  # asked for, absent: the CPU, never nothing


def test_the_model_reports_the_providers_it_runs_on() -> None:
    model = OnnxModel(ModelArtifacts(ARTIFACTS), [CPU])
    assert model.providers == [CPU]


@pytest.mark.skipif(not HAS_CUDA, reason="onnxruntime has no CUDA provider here")
def test_cuda_scores_match_the_cpu() -> None:
    arts = ModelArtifacts(ARTIFACTS)
    gpu = OnnxModel(arts)  # the default: CUDA first
    cpu = OnnxModel(arts, [CPU])
    assert gpu.providers[0] == CUDA, gpu.providers
    texts = [normalize(t) for t in TEXTS] * 3  # several batch shapes
    on_gpu, on_cpu = gpu.predict(texts), cpu.predict(texts)
    assert np.abs(on_gpu - on_cpu).max() < 1e-2
    thresholds = np.array([Policy.load(arts.policy).thresholds[name] for name in cpu.labels])
    clear = np.abs(on_cpu - thresholds) > 0.02
    assert ((on_gpu >= thresholds) == (on_cpu >= thresholds))[clear].all()
    assert (on_cpu >= thresholds).any(), "the sample should flag something"


def test_operators_choose_providers_by_name() -> None:
    from pydantic import ValidationError

    from hub.settings import Settings
    from pipeline import PROVIDER_CHOICES

    assert PROVIDER_CHOICES[Settings().moderation_providers] is None  # auto by default
    assert PROVIDER_CHOICES[Settings(moderation_providers="cpu").moderation_providers] == (CPU,)
    with pytest.raises(ValidationError):
        Settings(moderation_providers="gpu")  # type: ignore[arg-type]
    assert select_providers(PROVIDER_CHOICES["cpu"]) == [CPU]
