"""The lexical half of the model stage: hashed word and character n-grams, one logistic
regression per label.

It reads the same input as the ONNX student (normalized text with rule markers) and its
probabilities are averaged with the student's. The two err differently: the student generalizes
across phrasings, the n-grams catch spellings and foreign words the student's English WordPiece
vocabulary splits into noise. Features are computed by this module both when training
(`models/lexical.py`) and at run time, so the two cannot drift apart.

Features: lower-cased words (2+ word characters) and word bigrams, plus character 2- to 5-grams
inside each space-separated token padded with spaces; each hashed with CRC-32 into `buckets`
slots; weight (1 + log count) * idf, the word block and the character block each L2-normalized.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["LexicalLoadError", "LexicalModel", "hashed_counts", "vectors"]

_WORD = re.compile(r"(?u)\b\w\w+\b")
_CHAR_MIN, _CHAR_MAX = 2, 5


class LexicalLoadError(Exception):
    """The lexical weights are missing, corrupt or do not fit the labels."""


# About 0.9 KB per cached token: at most ~2 MB, then it starts over. (10,000 held 5.4 MB after
# 2,000 benchmark messages; with the change in `model.py` throughput stayed within noise.)
_TOKEN_CACHE_SIZE = 2_048


class _Grams:
    """Character n-gram buckets per token, cached: chat repeats its words a lot."""

    def __init__(self, mask: int) -> None:
        self.mask = mask
        self.cache: dict[str, list[int]] = {}

    def __call__(self, token: str) -> list[int]:
        keys = self.cache.get(token)
        if keys is None:
            padded = f" {token} "
            size = len(padded)
            mask = self.mask
            keys = [
                zlib.crc32(padded[start : start + n].encode()) & mask
                for n in range(_CHAR_MIN, min(_CHAR_MAX, size) + 1)
                for start in range(size - n + 1)
            ]
            if len(self.cache) >= _TOKEN_CACHE_SIZE:
                self.cache.clear()
            self.cache[token] = keys
        return keys


_GRAMS: dict[int, _Grams] = {}


def hashed_counts(text: str, mask: int) -> tuple[Counter[int], Counter[int]]:
    """Bucket -> count of the text's word n-grams, and of its character n-grams (`mask` =
    buckets - 1, a power of two minus one)."""
    text = text.lower()
    grams = _GRAMS.get(mask)
    if grams is None:
        grams = _GRAMS.setdefault(mask, _Grams(mask))
    words = _WORD.findall(text)
    keys = [zlib.crc32(b"w" + word.encode()) & mask for word in words]
    keys += [zlib.crc32(b"b" + f"{a} {b}".encode()) & mask for a, b in pairwise(words)]
    chars: list[int] = []
    for token in text.split():
        chars += grams(token)
    return Counter(keys), Counter(chars)


def vectors(
    texts: Sequence[str],
    idf: npt.NDArray[np.float32],
    rows: npt.NDArray[np.int32] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """TF-IDF rows in CSR form (indices, values, row pointers); the word block and the
    character block are each L2-normalized, so that neither drowns the other.

    `idf` is dense (one weight per bucket; the indices are buckets), or compact with `rows`
    (bucket -> position in `idf`, one per bucket): then the indices are positions in `idf`.
    """
    mask = (len(rows) if rows is not None else len(idf)) - 1
    keys: list[int] = []
    counts: list[int] = []
    blocks = [0]  # two blocks (words, characters) per text
    for text in texts:
        for block in hashed_counts(text, mask):
            keys += block.keys()
            counts += block.values()
            blocks.append(len(keys))
    indices = np.asarray(keys, dtype=np.int64)
    if rows is not None:
        indices = rows[indices].astype(np.int64)
    values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * idf[indices]
    bounds = np.asarray(blocks, dtype=np.int64)
    sizes = np.diff(bounds)
    squares = np.zeros(len(sizes), dtype=np.float32)
    filled = sizes > 0
    if filled.any():
        squares[filled] = np.add.reduceat(values * values, bounds[:-1][filled])
    norms = np.sqrt(squares)
    norms[norms == 0.0] = 1.0
    values = (values / np.repeat(norms, sizes)).astype(np.float32)
    return indices, values, bounds[::2].copy()


class LexicalModel:
    """Probabilities per label from `lexical.npz` (the buckets seen in training, their idf and
    coefficients, the intercepts).

    Weights are kept for those buckets only, plus one zero row that every other bucket points to
    (`rows`: bucket -> row, 4 bytes a bucket): dense weights over all 2^19 buckets held 11.4 MB
    of the runtime's memory once loaded, this 7.0.
    """

    def __init__(self, path: Path, labels: Sequence[str]) -> None:
        try:
            with np.load(path, allow_pickle=False) as data:
                self.labels = tuple(str(x) for x in data["labels"])
                buckets = int(data["buckets"])
                index = np.asarray(data["index"], dtype=np.int64)
                if buckets <= 0 or buckets & (buckets - 1):
                    raise ValueError(f"{buckets} buckets is not a power of two")
                if index.size and (index.min() < 0 or index.max() >= buckets):
                    raise ValueError("bucket index outside the buckets")
                if len(np.unique(index)) != len(index):
                    raise ValueError("a bucket is stored twice")
                self.rows = np.full(buckets, len(index), dtype=np.int32)
                self.rows[index] = np.arange(len(index), dtype=np.int32)
                self.idf = np.zeros(len(index) + 1, dtype=np.float32)
                self.coef = np.zeros((len(index) + 1, len(self.labels)), dtype=np.float32)
                self.idf[:-1] = data["idf"]
                self.coef[:-1] = data["coef"]
                self.intercept = data["intercept"].astype(np.float32)
        except (OSError, KeyError, ValueError, IndexError) as exc:
            raise LexicalLoadError(f"cannot load lexical weights {path}: {exc}") from exc
        if tuple(labels) != self.labels:
            raise LexicalLoadError(f"lexical weights {path} do not fit labels {list(labels)}")

    def predict(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Probabilities, shape (len(texts), len(labels))."""
        indices, values, pointers = vectors(texts, self.idf, self.rows)
        weighted = self.coef[indices] * values[:, None]
        logits = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        lengths = np.diff(pointers)
        filled = lengths > 0
        if filled.any():
            logits[filled] = np.add.reduceat(weighted, pointers[:-1][filled], axis=0)
        logits += self.intercept
        probs: npt.NDArray[np.float32] = (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
        return probs
