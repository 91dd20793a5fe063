"""Fit the lexical half of the shipped model (see `pipeline/stages/lexical.py`).

Hashed word and character n-grams with TF-IDF weights and one logistic regression per label,
trained on the training split's model inputs. Saved sparsely: only buckets seen in training.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from models.data.corpus import LABELS, model_text
from models.data.synthetic import Example
from models.evaluate import truth_of
from pipeline.stages.lexical import hashed_counts, vectors

BUCKETS = 1 << 19
MIN_DF = 2
C = 10.0


def fit(rows: Sequence[Example], path: Path, buckets: int = BUCKETS) -> dict[str, int]:
    """Fit on `rows` and write `path` (npz); returns sizes for the training record."""
    texts = [model_text(r.text) for r in rows]
    mask = buckets - 1
    df = np.zeros(buckets, dtype=np.int64)
    for text in texts:
        word_counts, char_counts = hashed_counts(text, mask)
        df[list(word_counts.keys() | char_counts.keys())] += 1
    seen = df >= MIN_DF
    idf = np.zeros(buckets, dtype=np.float32)
    # sklearn's smooth idf; buckets seen fewer than MIN_DF times weigh nothing.
    idf[seen] = np.log((1 + len(texts)) / (1 + df[seen])) + 1.0
    indices, values, pointers = vectors(texts, idf)
    x = csr_matrix((values, indices, pointers), shape=(len(texts), buckets))
    y = truth_of(rows)
    coef = np.zeros((buckets, len(LABELS)), dtype=np.float32)
    intercept = np.zeros(len(LABELS), dtype=np.float32)
    for j in range(len(LABELS)):
        head = LogisticRegression(C=C, max_iter=2000).fit(x, y[:, j])
        coef[:, j] = head.coef_[0]
        intercept[j] = head.intercept_[0]
    index = np.flatnonzero(seen)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        labels=np.asarray(LABELS),
        buckets=np.asarray(buckets),
        index=index.astype(np.int32),
        idf=idf[index],
        coef=coef[index],
        intercept=intercept,
    )
    return {"buckets": buckets, "features": int(seen.sum()), "rows": len(texts)}
