"""The per-batch work done in a worker thread: normalize, rules, model, rule floors.

Each worker thread keeps its own `OnnxModel` (a single-threaded session and a tokenizer). When the
model cannot run, the batch is scored by the rules alone and marked degraded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.stages.model import ModelArtifacts, ModelError, OnnxModel
from pipeline.stages.normalize import normalize
from pipeline.stages.rules import RuleHit, combine, match_rules, model_input

__all__ = ["Scored", "Scorer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Scored:
    """Scores of one message before context and policy."""

    normalized: str
    model_scores: Mapping[str, float]
    scores: Mapping[str, float]
    hits: tuple[RuleHit, ...]
    model_ms: float
    degraded: bool


class Scorer:
    """Scores batches in whichever thread calls it, loading a model per thread on first use."""

    def __init__(
        self,
        artifacts: ModelArtifacts,
        labels: Sequence[str],
        providers: Sequence[str] | None,
        *,
        judge: bool = True,
        judge_cache: int | None = None,
    ) -> None:
        self._artifacts = artifacts
        self._judge = judge
        self._judge_cache = judge_cache
        self._labels = tuple(labels)
        self._providers = providers
        self._local = threading.local()
        self._lock = threading.Lock()
        self.model_failed = False
        self._loaded = False

    @property
    def labels(self) -> tuple[str, ...]:
        """Label names, in the model's output order when a model is loaded."""
        return self._labels

    def load(self) -> OnnxModel:
        """Load (once per thread) and return this thread's model; raises `ModelError`."""
        model: OnnxModel | None = getattr(self._local, "model", None)
        if model is None:
            model = OnnxModel(
                self._artifacts,
                self._providers,
                cascade=self._judge,
                judge_cache=self._judge_cache,
            )
            with self._lock:
                if not self._loaded:
                    log.info("moderation model loaded, providers %s", model.providers)
                self._loaded = True
                self._labels = model.labels
            self._local.model = model
        return model

    def score(self, texts: Sequence[str]) -> list[Scored]:
        """Score a batch; falls back to the rules with a logged alarm if the model fails."""
        normalized = [normalize(text) for text in texts]
        hits = [match_rules(text) for text in normalized]
        started = time.perf_counter()
        probs: list[dict[str, float]] | None = None
        if not self.model_failed:
            try:
                model = self.load()
                rows = model.predict(
                    [model_input(t, h) for t, h in zip(normalized, hits, strict=True)]
                )
                probs = [dict(zip(model.labels, map(float, row), strict=True)) for row in rows]
            except ModelError:
                self.model_failed = True
                log.critical("ALARM moderation model failed; running rules-only", exc_info=True)
        model_ms = (time.perf_counter() - started) * 1000.0
        degraded = probs is None
        zeros = dict.fromkeys(self._labels, 0.0)
        out = []
        for index, text in enumerate(normalized):
            base = zeros if probs is None else probs[index]
            out.append(
                Scored(text, base, combine(base, hits[index]), hits[index], model_ms, degraded)
            )
        return out
