"""Stage 3: the multi-label classifier: an ONNX student averaged with a lexical model, and a
judge for the messages they are unsure of (a cascade).

One `OnnxModel` per worker thread: each holds a single-threaded onnxruntime session (several
threads each running one small session beat one session fighting over cores). The tokenizer is
read-only once configured and shared by every thread (one copy is about 5 MB). Batches are padded
to their longest message, not to a fixed length.

When the artifacts ship `lexical.npz` (`labels.json` gives its `lexical_weight`), the
probabilities are `(1 - w) * student + w * lexical` (see `lexical.py`); the lexical weights are
read-only and shared by every thread.

When the artifacts ship `judge.onnx` (`labels.json` gives `cascade`: `low`, `high`, `weight`,
optionally `short` and `short_labels`), a message whose first-stage probability for any label
lies in `[low, high)` is rescored by the judge (the fine-tuned MiniLM, int8), and gets `(1 -
weight) * first + weight * judge`; a message of at most `short` tokens with a short label at or
above `low` gets it for its short labels (`Cascade`).
Confident messages (most chat) never reach the judge. One judge session is shared by all
threads (onnxruntime runs concurrent calls on one session), each call on one thread. The judge
scores each routed message alone, so its result depends on the message's token ids only: each
thread's model remembers it for its last `MESSAGE_CACHE` routed messages, and the same text sent
again (a scam or spam wave) skips the judge with the same result. The lexical half's
probabilities are remembered the same way, by the text it reads (they depend on it alone).

The networks read `max_length` tokens. A longer message is scored as its head (its first
`max_length` tokens, what a truncating tokenizer gives) and as short overlapping windows of all
its tokens (`windows`), each carrying the rules' markers and scored like a message of its own.
The head counts as it is; another window raises a label only where it is sure (`WINDOW_FLOOR`),
since a short stretch cut out of ordinary text can read like a short risky message
(`raise_by_sure_windows`). So a friendly preamble cannot push a scam out of the model's sight. A
message that fits is one window, scored exactly as before.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

import numpy as np
import numpy.typing as npt
import onnxruntime as ort  # type: ignore[import-untyped]
from onnxruntime.capi import onnxruntime_pybind11_state as ort_state  # type: ignore[import-untyped]
from tokenizers import Tokenizer

from pipeline.stages.int8 import WireError, signed_kernel_is_exact, signed_weights
from pipeline.stages.lexical import LexicalLoadError, LexicalModel

__all__ = [
    "MESSAGE_CACHE",
    "PROVIDER_CHOICES",
    "Cascade",
    "ModelArtifacts",
    "ModelError",
    "ModelLoadError",
    "OnnxModel",
    "Window",
    "raise_by_sure_windows",
    "select_providers",
    "windows",
]

# onnxruntime's own exceptions derive from Exception, not from RuntimeError.
_ORT_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    ValueError,
    KeyError,
    RuntimeError,
    ort_state.Fail,
    ort_state.InvalidArgument,
    ort_state.NoSuchFile,
    ort_state.InvalidProtobuf,
    ort_state.RuntimeException,
    ort_state.InvalidGraph,
    ort_state.EPFail,
)

_LOAD_ERRORS: tuple[type[Exception], ...] = (*_ORT_ERRORS, TypeError, LexicalLoadError)

log = logging.getLogger(__name__)

_CUDA = "CUDAExecutionProvider"
_CPU = "CPUExecutionProvider"


class ModelError(Exception):
    """The model could not be loaded or could not run."""


class ModelLoadError(ModelError):
    """The artifacts are missing, corrupt or inconsistent."""


@dataclass(frozen=True, slots=True)
class ModelArtifacts:
    """Paths of the shipped files in an artifacts folder."""

    root: Path

    @property
    def model(self) -> Path:
        return self.root / "model.onnx"

    @property
    def tokenizer(self) -> Path:
        return self.root / "tokenizer.json"

    @property
    def labels(self) -> Path:
        return self.root / "labels.json"

    @property
    def policy(self) -> Path:
        return self.root / "policy.json"

    @property
    def version(self) -> Path:
        return self.root / "VERSION"

    @property
    def lexical(self) -> Path:
        return self.root / "lexical.npz"

    @property
    def judge(self) -> Path:
        return self.root / "judge.onnx"


@dataclass(frozen=True, slots=True)
class Cascade:
    """Which messages the judge rescores, and how much its opinion weighs.

    A message goes to the judge when some label's first-stage probability lies in the unsure
    band `[low, high)`, and all its labels get the judge's blend. A short one (at most `short`
    tokens, markers included, [CLS] and [SEP] not) also goes when one of the `short_columns`
    labels (all labels when None) is at or above `low`, however sure, and only those labels get
    the blend: a few tokens give the student and the n-grams little to go on ("you're so kind":
    first stage harassment 0.95, judge 0.01), though the judge reads short scam phrasing worse
    than the first stage ("whats the code"; model card, History, "Short messages to the judge")."""

    low: float
    high: float
    weight: float
    short: int = 0
    short_columns: tuple[int, ...] | None = None

    @classmethod
    def parse(cls, raw: object, labels: Sequence[str] = ()) -> Cascade:
        """From `labels.json`'s `cascade`; `short_labels` (names, among `labels`) is optional."""
        if not isinstance(raw, dict):
            raise ValueError(f"cascade must be an object, not {raw!r}")
        short = raw.get("short", 0)
        if isinstance(short, bool) or not isinstance(short, int):
            raise ValueError(f"cascade short must be a whole number of tokens, not {short!r}")
        names = raw.get("short_labels")
        columns = None
        if names is not None:
            if not isinstance(names, list) or not names or not set(names) <= set(labels):
                raise ValueError(f"cascade short_labels {names!r} are not among {list(labels)}")
            columns = tuple(sorted({list(labels).index(name) for name in names}))
        cascade = cls(float(raw["low"]), float(raw["high"]), float(raw["weight"]), short, columns)
        if (
            not 0.0 <= cascade.low < cascade.high
            or not 0.0 < cascade.weight <= 1.0
            or cascade.short < 0
        ):
            raise ValueError(f"bad cascade {raw!r}")
        return cascade

    def cells(
        self, probs: npt.NDArray[np.float32], lengths: npt.NDArray[np.intp] | None = None
    ) -> npt.NDArray[np.bool_]:
        """Which (row, label) scores get the judge's blend: every label of a row with some
        label in the band; given each row's token count (`lengths`), the short labels of a
        short row with one of them at or above `low`."""
        band = np.asarray(((probs >= self.low) & (probs < self.high)).any(axis=1), dtype=np.bool_)
        cells = np.repeat(band[:, None], probs.shape[1], axis=1)
        if self.short and lengths is not None:
            columns = np.zeros(probs.shape[1], dtype=np.bool_)
            if self.short_columns is None:
                columns[:] = True
            else:
                columns[list(self.short_columns)] = True
            sure = (probs[:, columns] >= self.low).any(axis=1)
            short = (np.asarray(lengths) <= self.short) & sure
            cells |= short[:, None] & columns[None, :]
        return np.asarray(cells, dtype=np.bool_)

    def route(
        self, probs: npt.NDArray[np.float32], lengths: npt.NDArray[np.intp] | None = None
    ) -> npt.NDArray[np.bool_]:
        """Rows the judge scores (`cells`)."""
        return np.asarray(self.cells(probs, lengths).any(axis=1), dtype=np.bool_)

    def blend(
        self,
        first: npt.NDArray[np.float32],
        judged: npt.NDArray[np.float32],
        cells: npt.NDArray[np.bool_],
    ) -> npt.NDArray[np.float32]:
        """`first` with `(1 - weight) * first + weight * judged` where `cells` says."""
        mixed = (1.0 - self.weight) * first + self.weight * judged
        return np.where(cells, mixed, first).astype(np.float32)


_SHARED_LOCK = threading.Lock()
# (kind, resolved path, *variant) -> ((mtime_ns, size), object): one version per file and variant.
_SHARED: dict[tuple[object, ...], tuple[tuple[int, int], object]] = {}
_T = TypeVar("_T")


def _shared(kind: type[_T], path: Path, variant: tuple[object, ...], load: Callable[[], _T]) -> _T:
    """One read-only object per file and variant, loaded once for every thread. A rewritten file
    (new mtime or size) is loaded again and replaces the old version in the cache, which lives on
    only as long as the models already holding it. A missing file is an OSError, whatever is
    cached."""
    stat = path.stat()
    key = (kind, path.resolve(), *variant)
    version = (stat.st_mtime_ns, stat.st_size)
    with _SHARED_LOCK:
        cached = _SHARED.get(key)
        if cached is None or cached[0] != version:
            cached = _SHARED[key] = (version, load())
        return cast(_T, cached[1])


def _shared_lexical(path: Path, labels: tuple[str, ...]) -> LexicalModel:
    return _shared(LexicalModel, path, labels, lambda: LexicalModel(path, labels))


def _shared_judge(path: Path, providers: Sequence[str] | None) -> ort.InferenceSession:
    chosen = tuple(select_providers(providers))
    return _shared(ort.InferenceSession, path, chosen, lambda: _session(path, chosen))


def _shared_tokenizer(path: Path) -> Tokenizer:
    def load() -> Tokenizer:
        try:
            tokenizer = Tokenizer.from_file(str(path))
        except Exception as exc:  # tokenizers raises a bare Exception
            raise ValueError(f"unreadable tokenizer {path.name}: {exc}") from exc
        # Configured once, before any thread sees it: `encode` only reads it afterwards. No
        # truncation: `windows` cuts long messages itself.
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return tokenizer

    return _shared(Tokenizer, path, ("untruncated",), load)


# The rules' markers in front of the text (`pipeline.stages.rules.model_input`): "[phone] [x] ".
_MARKERS = re.compile(r"(?:\[[a-z0-9_]+\] )+")
# A long message's windows: this many of its own tokens each (plus the markers), starting at
# most `_STEP` tokens apart, so that any stretch of up to `_WIDTH - _STEP + 1` tokens lies whole
# in a window with few others. Wider windows let friendly text around a short risky sentence
# outweigh it (the student pools over its tokens; model card, History, "Long messages").
_WIDTH = 24
_STEP = 8
# ...and at most this many windows, spread evenly, so that one message costs at most about as
# much as this many short ones. Up to 208 tokens (about 900 characters of English) they start at
# most 8 apart; a longer message's start further apart, up to a whole window apart at 576 tokens
# (the hub's 2,000 characters of ordinary text are about 450). Past that, the windows leave gaps
# between them that only the rules read.
_MAX_WINDOWS = 24
# A window other than the head counts for a label only at or above this probability. Tuned on
# long messages joined from validation rows: the lowest of 0.80-0.98 that flags joined fine
# messages no more than the head alone plus 1 point (model card, History, "Long messages").
WINDOW_FLOOR = 0.98


@dataclass(frozen=True, slots=True)
class Window:
    """One stretch of a message as the networks see it: token ids with [CLS] and [SEP], and the
    text the lexical half reads: the whole message for the head, as before windows; the markers
    and the stretch for the others."""

    ids: list[int]
    text: str
    head: bool = True  # the message's start, as a truncating tokenizer gives it; counts fully


def windows(tokenizer: Tokenizer, text: str, max_length: int, cls: int, sep: int) -> list[Window]:
    """The windows of one model input. A text of at most `max_length` tokens (with [CLS] and
    [SEP]) is one window, the same ids as a tokenizer truncating at `max_length`. A longer one
    gets that truncated window first (its head), then windows of its tokens after the markers:
    each the markers (cut short where they would leave less than `_WIDTH` tokens) plus `_WIDTH`
    of the message's tokens, the first at its start, the last at its end, and between them
    evenly spaced starts, at most `_STEP` apart unless that would take more than `_MAX_WINDOWS`
    windows."""
    encoding = tokenizer.encode(text, add_special_tokens=False)
    ids = encoding.ids
    if len(ids) <= max_length - 2:
        return [Window([cls, *ids, sep], text)]
    offsets = encoding.offsets
    kept = max_length - 2
    out = [Window([cls, *ids[:kept], sep], text)]
    match = _MARKERS.match(text)
    prefix_chars = match.end() if match else 0
    prefix = 0
    while prefix < len(ids) and offsets[prefix][0] < prefix_chars:
        prefix += 1
    width = max(1, min(_WIDTH, max_length - 2))
    prefix = max(0, min(prefix, max_length - 2 - width))
    marker_ids = ids[:prefix]
    marker_text = text[: offsets[prefix][0]] if prefix else ""
    body, body_offsets = ids[prefix:], offsets[prefix:]
    span = len(body) - width  # > 0: the text does not fit
    count = min(_MAX_WINDOWS, -(-span // _STEP) + 1)
    starts = sorted({round(i * span / (count - 1)) for i in range(count)})
    for start in starts:
        end = start + width
        stretch = text[body_offsets[start][0] : body_offsets[end - 1][1]]
        ids_ = [cls, *marker_ids, *body[start:end], sep]
        out.append(Window(ids_, marker_text + stretch, head=False))
    return out


def _session(path: Path, providers: Sequence[str] | None) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Memory patterns are planned per input shape; with dynamic batch and sequence axes every new
    # shape kept another plan's buffers resident (about 5 MB over 2,000 messages).
    # Measured with the smaller token cache in `lexical.py`: runtime RSS 155-158 -> 146-150 MB.
    options.enable_mem_pattern = False
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    with _model_source(path) as source:
        return ort.InferenceSession(
            source, sess_options=options, providers=select_providers(providers)
        )


@contextlib.contextmanager
def _model_source(path: Path) -> Iterator[str]:
    """The model file, or a copy with int8 weights where this CPU's int8 kernel is exact.

    The shipped weights are uint8 (zero point 128) so that every CPU computes the exact int8
    result; where the faster uint8 x int8 kernel is exact too (VNNI), the same integers go to it
    (`pipeline.stages.int8`). The copy is a temporary file, removed once onnxruntime has read
    it: handing onnxruntime the bytes instead kept about 20 MB more resident.
    """
    if not signed_kernel_is_exact():
        yield str(path)
        return
    data = bytearray(path.stat().st_size)
    with path.open("rb") as file:
        file.readinto(data)
    try:
        converted = signed_weights(data)
    except WireError as exc:
        log.warning("%s: int8 weights left unsigned, unreadable protobuf: %s", path.name, exc)
        converted = 0
    if not converted:
        del data
        yield str(path)
        return
    name: str | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f"{path.stem}-int8-", suffix=".onnx")
        with os.fdopen(fd, "wb") as file:
            file.write(data)
    except OSError as exc:  # no writable temporary folder: the shipped file is exact too
        log.warning("%s: int8 weights left unsigned, no temporary copy: %s", path.name, exc)
        if name is not None:
            with contextlib.suppress(OSError):
                os.unlink(name)
        name = None
    del data
    if name is None:
        yield str(path)
        return
    try:
        log.debug("%s: %d int8 weights signed for this CPU's exact kernel", path.name, converted)
        yield name
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


# What an operator may ask for (HUB_MODERATION_PROVIDERS, the benchmark's --providers): None is
# "auto", CUDA first when onnxruntime has it, else the CPU.
PROVIDER_CHOICES: dict[str, tuple[str, ...] | None] = {
    "auto": None,
    "cpu": (_CPU,),
    "cuda": (_CUDA, _CPU),
}


def select_providers(requested: Sequence[str] | None = None) -> list[str]:
    """The requested providers that exist here, else CUDA first when available, then CPU."""
    available = ort.get_available_providers()
    if requested:
        chosen = [p for p in requested if p in available]
        return chosen or [_CPU]
    return [_CUDA, _CPU] if _CUDA in available else [_CPU]


class OnnxModel:
    """Tokenize and score a batch of normalized texts; returns probabilities per label."""

    def __init__(
        self,
        artifacts: ModelArtifacts,
        providers: Sequence[str] | None = None,
        *,
        lexical: bool = True,
        cascade: bool = True,
        cache: int | None = None,
    ) -> None:
        """`lexical=False` runs the student alone, `cascade=False` skips the judge (both for
        measurements); `cache` is how many messages' judge and lexical results to remember
        (`MESSAGE_CACHE` when None; 0 for none)."""
        try:
            meta = json.loads(artifacts.labels.read_text(encoding="utf-8"))
            self.labels: tuple[str, ...] = tuple(meta["labels"])
            self.max_length = int(meta.get("max_length", 64))
            self.lexical_weight = float(meta.get("lexical_weight", 0.0)) if lexical else 0.0
            if not 0.0 <= self.lexical_weight <= 1.0:
                raise ValueError(f"lexical_weight {self.lexical_weight} outside [0, 1]")
            self._lexical = (
                _shared_lexical(artifacts.lexical, self.labels) if self.lexical_weight else None
            )
            self.cascade = (
                Cascade.parse(meta["cascade"], self.labels)
                if cascade and meta.get("cascade")
                else None
            )
            self._judge = (
                _shared_judge(artifacts.judge, providers) if self.cascade is not None else None
            )
            self._tokenizer = _shared_tokenizer(artifacts.tokenizer)
            self._cls, self._sep = (self._special(name) for name in ("[CLS]", "[SEP]"))
            self.window_floor = WINDOW_FLOOR
            # The judge's probabilities of recent routed messages, by token ids (see `_judged`).
            self._judge_cache: OrderedDict[tuple[int, ...], npt.NDArray[np.float32]] = OrderedDict()
            # ...and the lexical half's, by the text it reads (see `_lexical_probs`).
            self._lexical_cache: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
            self.cache_size = MESSAGE_CACHE if cache is None else max(0, cache)
            self.judge_calls = 0  # judge sessions run, for measurements
            self._session = _session(artifacts.model, providers)
        except _LOAD_ERRORS as exc:
            raise ModelLoadError(f"cannot load the model in {artifacts.root}: {exc}") from exc
        if _CUDA in select_providers(providers) and _CUDA not in self.providers:
            # onnxruntime falls back to the CPU when the CUDA libraries cannot be loaded.
            log.warning("CUDA execution provider present but not started; the model runs on CPU")
        self._inputs = {i.name for i in self._session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= self._inputs:
            raise ModelLoadError(f"unexpected model inputs {sorted(self._inputs)}")

    @property
    def providers(self) -> list[str]:
        """The providers the session actually uses."""
        return list(self._session.get_providers())

    def _special(self, token: str) -> int:
        index = self._tokenizer.token_to_id(token)
        if index is None:
            raise ValueError(f"the tokenizer has no {token} token")
        return int(index)

    def encode(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Token ids and attention mask of each text's head window (its first `max_length`
        tokens), padded to the longest of the batch."""
        return _pad([self.windows(text)[0].ids for text in texts])

    def head_lengths(self, texts: Sequence[str]) -> npt.NDArray[np.intp]:
        """Each text's token count as `Cascade.route` reads it: its head window's, without
        [CLS] and [SEP]."""
        return np.fromiter(
            (len(self.windows(text)[0].ids) - 2 for text in texts), dtype=np.intp, count=len(texts)
        )

    def windows(self, text: str) -> list[Window]:
        """The windows this model scores `text` in (one unless it is longer than `max_length`)."""
        return windows(self._tokenizer, text, self.max_length, self._cls, self._sep)

    def predict(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Probabilities, shape (len(texts), len(labels)).

        A large batch is sorted by length and run in slices of `_SLICE`, so that short messages
        are not padded to the longest one of the whole batch. A long message is scored per
        window (`windows`, `raise_by_sure_windows`).
        """
        # One by one: encode_batch would start the tokenizer's own thread pool inside our workers.
        pieces = [self.windows(text) for text in texts]
        # The heads are scored exactly as whole messages were before windows, in one batch.
        probs = self._predict([piece[0].ids for piece in pieces], texts)
        rest = [(i, window) for i, piece in enumerate(pieces) for window in piece[1:]]
        if rest:
            owners = np.array([i for i, _ in rest], dtype=np.intp)
            scored = self._predict([w.ids for _, w in rest], [w.text for _, w in rest], owners)
            raise_by_sure_windows(probs, scored, owners, self.window_floor)
        return probs

    def _predict(
        self,
        rows: Sequence[list[int]],
        texts: Sequence[str],
        owners: npt.NDArray[np.intp] | None = None,
    ) -> npt.NDArray[np.float32]:
        """Probabilities per row: of messages (or their heads) when `owners` is None, else of
        the other windows of long messages, `owners` giving each one's message. Such a window
        goes to the judge only if the judge could lift it to `window_floor`, below which it
        does not count (`raise_by_sure_windows`); it keeps the first stage's scores otherwise.
        """
        probs = _sigmoid(self._logits(self._session, rows))
        if self._lexical is not None:
            weight = self.lexical_weight
            probs = ((1.0 - weight) * probs + weight * self._lexical_probs(texts)).astype(
                np.float32
            )
        if self.cascade is not None and self._judge is not None:
            # Short messages route by their length too; other windows of long messages never
            # are short.
            lengths = (
                np.fromiter((len(r) - 2 for r in rows), dtype=np.intp, count=len(rows))
                if owners is None
                else None
            )
            cells = self.cascade.cells(probs, lengths)
            routable = cells.any(axis=1)
            if owners is not None:
                routable &= probs.max(axis=1) >= self._judge_reach()
            routed = np.flatnonzero(routable)
            if routed.size:
                # One message per judge call (or its routed windows together): int8 activations
                # are quantized with one scale per batch, so in a batch the judge's score moved
                # with the other messages in it and their padding (39 of 7,756 shuffled
                # validation messages changed their flagged labels; model card, History,
                # "Batch composition"). A message's own windows depend on it alone.
                groups = (
                    [[int(i)] for i in routed]
                    if owners is None
                    else [list(g) for g in _runs(routed, owners[routed])]
                )
                judged = np.vstack(
                    [
                        self._judged(rows[g[0]])
                        if owners is None
                        else self._judge_logits([rows[i] for i in g])
                        for g in groups
                    ]
                )
                routed = np.array([i for g in groups for i in g], dtype=np.intp)
                probs[routed] = self.cascade.blend(probs[routed], judged, cells[routed])
        return probs

    def _lexical_probs(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The lexical half's probabilities, those of the last `cache_size` texts remembered
        (each row depends on its own text only, so a batch of misses gives the same rows)."""
        assert self._lexical is not None
        if not self.cache_size:
            return self._lexical.predict(texts)
        cache = self._lexical_cache
        missing = list(dict.fromkeys(text for text in texts if text not in cache))
        if missing:
            for text, row in zip(missing, self._lexical.predict(missing), strict=True):
                cache[text] = row.copy()
        rows = []
        for text in texts:
            cache.move_to_end(text)
            rows.append(cache[text])
        while len(cache) > self.cache_size:
            cache.popitem(last=False)
        return np.vstack(rows)

    def _judge_logits(self, rows: Sequence[Sequence[int]]) -> npt.NDArray[np.float32]:
        assert self._judge is not None
        self.judge_calls += 1
        return _sigmoid(self._logits(self._judge, rows))

    def _judged(self, ids: Sequence[int]) -> npt.NDArray[np.float32]:
        """The judge's probabilities for one message, remembered for the last
        `cache_size` messages: it scores each message alone, so the same token ids always get the
        same result, and a wave of one scam sent to many people costs the judge once."""
        if not self.cache_size:
            return self._judge_logits([ids])
        key = tuple(ids)
        cached = self._judge_cache.get(key)
        if cached is not None:
            self._judge_cache.move_to_end(key)
            return cached
        judged = self._judge_logits([ids])
        self._judge_cache[key] = judged
        if len(self._judge_cache) > self.cache_size:
            self._judge_cache.popitem(last=False)
        return judged

    def _judge_reach(self) -> float:
        """The lowest first-stage probability that the judge can lift to `window_floor`."""
        assert self.cascade is not None
        weight = self.cascade.weight
        if weight >= 1.0:
            return -1.0
        return (self.window_floor - weight) / (1.0 - weight)

    def _logits(
        self, session: ort.InferenceSession, rows: Sequence[Sequence[int]]
    ) -> npt.NDArray[np.float32]:
        logits = np.zeros((len(rows), len(self.labels)), dtype=np.float32)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        for start in range(0, len(order), _SLICE):
            index = order[start : start + _SLICE]
            ids, mask = _pad([rows[i] for i in index])
            try:
                (out,) = session.run(["logits"], {"input_ids": ids, "attention_mask": mask})
            except _ORT_ERRORS as exc:
                raise ModelError(f"moderation model failed on {len(index)} texts: {exc}") from exc
            logits[index] = out
        return logits


def raise_by_sure_windows(
    probs: npt.NDArray[np.float32],
    windows: npt.NDArray[np.float32],
    owners: npt.NDArray[np.intp],
    floor: float,
) -> None:
    """Raise each message's probabilities (its head's, in place) per label to those of its
    other windows that are at or above `floor`: a short window cut out of ordinary text can read
    like a short risky message, so only a sure one speaks for the whole."""
    sure = np.where(windows >= floor, windows, 0.0).astype(np.float32)
    np.maximum.at(probs, owners, sure)


def _runs(index: npt.NDArray[np.intp], keys: npt.NDArray[np.intp]) -> list[npt.NDArray[np.intp]]:
    """`index` cut where `keys` changes (the windows of one message are consecutive)."""
    cuts = np.flatnonzero(np.diff(keys)) + 1
    return list(np.split(index, cuts))


def _sigmoid(logits: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    probs: npt.NDArray[np.float32] = (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
    return probs


_SLICE = 16
# Messages whose judge and lexical probabilities one model (one worker thread) remembers: about
# 0.4 KB each per cache (the ids or text, and four probabilities).
MESSAGE_CACHE = 1024


def _pad(rows: Sequence[Sequence[int]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    width = max(1, max((len(r) for r in rows), default=1))
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for row, tokens in enumerate(rows):
        ids[row, : len(tokens)] = tokens
        mask[row, : len(tokens)] = 1
    return ids, mask
