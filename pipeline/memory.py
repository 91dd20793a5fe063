"""Keep the moderation runtime's resident memory down on glibc's allocator.

Two things make a Python process that runs onnxruntime keep far more resident than it uses:
- Loading sessions parses the model files and builds optimized graphs; those copies are freed,
  but the freed pages stay resident in glibc's heaps. `release_freed_memory()` (`malloc_trim`)
  hands them back.
- glibc raises its mmap threshold each time a large mapped block is freed (up to 32 MB). After
  that, per-batch buffers of that size (token arrays, onnxruntime's outputs, the judge's inputs)
  come from the heap, where a free rarely returns anything. `keep_large_blocks_mapped()` pins the
  threshold at glibc's own starting value, 128 kB, so large blocks are mapped and unmapped.

Measured in benchmarks/README.md: with the judge, from about 220 MB to about 149 MB. Both are
process-wide settings of the C library, harmless to the rest of the hub (which allocates few blocks
that large). Elsewhere than on glibc both do nothing and return False.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from typing import Any

__all__ = ["keep_large_blocks_mapped", "release_freed_memory"]

log = logging.getLogger(__name__)

_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's initial value (DEFAULT_MMAP_THRESHOLD_MIN)


def _glibc_function(name: str) -> Any:
    library = ctypes.util.find_library("c")
    if library is None:
        return None
    try:
        function = getattr(ctypes.CDLL(library), name)
    except (OSError, AttributeError):
        return None
    return function


def release_freed_memory() -> bool:
    """Return freed heap pages to the OS (`malloc_trim(0)`); False where there is none."""
    trim = _glibc_function("malloc_trim")
    if trim is None:
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    log.debug("malloc_trim released memory: %s", bool(trim(0)))
    return True


def keep_large_blocks_mapped() -> bool:
    """Fix the mmap threshold at 128 kB (no dynamic raise); False where it cannot be set."""
    mallopt = _glibc_function("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES))
