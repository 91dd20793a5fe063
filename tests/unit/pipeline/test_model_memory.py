"""What keeps the runtime's resident memory down: one tokenizer for every thread, and the heap
that loading freed handed back to the OS."""

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil  # type: ignore[import-untyped]
import pytest
from tokenizers import Tokenizer

from pipeline import ModerationRunner, RunnerConfig
from pipeline.memory import release_freed_memory
from pipeline.stages import model as model_stage
from pipeline.stages.model import ModelArtifacts, ModelLoadError, OnnxModel


def test_models_of_one_artifacts_folder_share_one_tokenizer(artifacts: Path) -> None:
    first = OnnxModel(ModelArtifacts(artifacts), cascade=False)
    second = OnnxModel(ModelArtifacts(artifacts), cascade=False)
    assert first._tokenizer is second._tokenizer
    assert first._session is not second._session
    assert first.encode(["a b c"])[0].shape == (1, 5)  # [CLS] a b c [SEP]: no padding


def test_the_shared_tokenizer_encodes_the_same_from_many_threads(artifacts: Path) -> None:
    models = [OnnxModel(ModelArtifacts(artifacts), cascade=False) for _ in range(4)]
    texts = [
        f"message {i}: is the bike {'still ' * (i % 7)}available at {i} pm?" for i in range(400)
    ]
    expected = [models[0].encode([text])[0].tolist() for text in texts]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda i: models[i % 4].encode([texts[i]])[0].tolist(), range(400)))
    assert got == expected


def test_a_changed_tokenizer_file_is_read_again(artifacts: Path, tmp_path: Path) -> None:
    shutil.copytree(artifacts, tmp_path / "a")
    before = OnnxModel(ModelArtifacts(tmp_path / "a"), cascade=False)
    path = tmp_path / "a" / "tokenizer.json"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = OnnxModel(ModelArtifacts(tmp_path / "a"), cascade=False)
    assert before._tokenizer is not after._tokenizer
    # The old version is not kept beside the new one: reloading rewritten artifacts does not grow.
    cached = [k for k in model_stage._SHARED if (tmp_path / "a") in Path(str(k[1])).parents]
    assert len([k for k in cached if k[0] is Tokenizer]) == 1
    assert OnnxModel(ModelArtifacts(tmp_path / "a"), cascade=False)._tokenizer is after._tokenizer


def test_a_corrupt_tokenizer_is_a_load_error(artifacts: Path, tmp_path: Path) -> None:
    shutil.copytree(artifacts, tmp_path / "a")
    (tmp_path / "a" / "tokenizer.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="unreadable tokenizer"):
        OnnxModel(ModelArtifacts(tmp_path / "a"))


async def test_a_corrupt_tokenizer_leaves_the_runner_rules_only(
    artifacts: Path, tmp_path: Path
) -> None:
    shutil.copytree(artifacts, tmp_path / "a")
    (tmp_path / "a" / "tokenizer.json").write_bytes(b"\x00")
    runner = ModerationRunner(RunnerConfig(artifacts_dir=tmp_path / "a"))
    await runner.start()
    try:
        assert runner.degraded
        verdict = await runner.moderate("send me the verification code you just got")
        assert verdict.degraded
        assert "scam:verification_code" in verdict.reasons
    finally:
        await runner.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_freed_heap_goes_back_to_the_os() -> None:
    process = psutil.Process()
    # 64 MB in 4 kB blocks lands on malloc's heap (not mmap). Keeping every 64th block alive
    # pins the heap's top, so free() alone returns nothing: only a trim gives the holes back.
    blocks = [bytearray(4096) for _ in range(16_384)]
    pinned = blocks[::64]
    grown = process.memory_info().rss
    del blocks
    assert release_freed_memory()
    assert len(pinned) == 256
    assert process.memory_info().rss < grown - 32 * 2**20


_MAPPED_PROBE = """
import sys
import psutil
from pipeline.memory import keep_large_blocks_mapped
if sys.argv[1] == "fixed":
    assert keep_large_blocks_mapped()
# Freeing a 16 MB mapped block makes glibc's dynamic threshold jump to 16 MB ...
big = bytearray(16 * 2**20)
del big
# ... so that, unless the threshold is fixed, these 256 kB blocks come from the heap, where the
# live blocks among them keep the freed ones resident.
blocks = [bytearray(256 * 1024) for _ in range(256)]
pinned = blocks[::8]
grown = psutil.Process().memory_info().rss
del blocks
print((grown - psutil.Process().memory_info().rss) / 2**20)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is glibc's")
def test_large_blocks_stay_mapped_so_that_freeing_them_returns_memory() -> None:
    # A fresh interpreter: the test process has tuned its allocator already (runner tests).
    def returned_mb(mode: str) -> float:
        run = subprocess.run(
            [sys.executable, "-c", _MAPPED_PROBE, mode],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[3],
        )
        return float(run.stdout)

    assert returned_mb("fixed") > 48.0  # 224 of the 256 blocks were freed: 56 MB
    assert returned_mb("default") < 8.0  # the control: glibc's default keeps them
