"""The per-batch work done in a worker thread: normalize, rules, model, rule floors.

Each worker thread keeps its own `OnnxModel` (a single-threaded session and a tokenizer). When the
model cannot run, the batch is scored by the rules alone and marked degraded.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.stages.model import MESSAGE_CACHE, ModelArtifacts, ModelError, OnnxModel
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


class _Prepared(NamedTuple):
    normalized: str
    hits: tuple[RuleHit, ...]
    model_input: str


def _prepare(text: str) -> _Prepared:
    """What the rules and the model read of a message: a function of its text alone."""
    normalized = normalize(text)
    hits = match_rules(normalized)
    return _Prepared(normalized, hits, model_input(normalized, hits))


class Scorer:
    """Scores batches in whichever thread calls it, loading a model per thread on first use."""

    def __init__(
        self,
        artifacts: ModelArtifacts,
        labels: Sequence[str],
        providers: Sequence[str] | None,
        *,
        judge: bool = True,
        cache: int | None = None,
    ) -> None:
        """`cache`: how many distinct messages each stage that depends on a message alone
        remembers (normalizing and rules here, the judge and the lexical half per thread in the
        model stage); `MESSAGE_CACHE` when None, 0 for none."""
        self._artifacts = artifacts
        self._judge = judge
        self._cache = cache
        size = MESSAGE_CACHE if cache is None else max(0, cache)
        self._prepare: Callable[[str], _Prepared] = (
            functools.lru_cache(maxsize=size)(_prepare) if size else _prepare
        )
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
                cache=self._cache,
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
        prepared = [self._prepare(text) for text in texts]
        normalized = [p.normalized for p in prepared]
        hits = [p.hits for p in prepared]
        started = time.perf_counter()
        probs: list[dict[str, float]] | None = None
        if not self.model_failed:
            try:
                model = self.load()
                rows = model.predict([p.model_input for p in prepared])
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
