"""Meetup photos: type and size checks, and a small storage interface (disk by default)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Protocol

from commerce.errors import Invalid

MAX_PHOTO_BYTES = 10 * 1024 * 1024
_MAGIC = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


class PhotoTooLarge(Invalid):
    """Over the size limit."""


def detect(data: bytes) -> tuple[str, str]:
    """(content type, extension) from the magic bytes; :class:`Invalid` unless JPEG or PNG."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            return kind
    raise Invalid("the photo must be a JPEG or PNG image")


class PhotoStore(Protocol):
    async def put(self, name: str, data: bytes) -> str:
        """Store a checked photo under ``name`` (plus its extension); returns its key."""

    async def get(self, key: str) -> bytes: ...


class DiskPhotoStore:
    """Photos as files under one directory (the embedded default: ``<data_dir>/photos``)."""

    def __init__(self, root: Path, *, max_bytes: int = MAX_PHOTO_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    async def put(self, name: str, data: bytes) -> str:
        if len(data) > self.max_bytes:
            raise PhotoTooLarge(f"the photo is over {self.max_bytes} bytes")
        _, ext = detect(data)
        key = f"{name}.{ext}"
        path = self._path(key)
        await asyncio.to_thread(_write, path, data)
        return key

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    def _path(self, key: str) -> Path:
        if not _SAFE_KEY.match(key) or key.startswith("."):
            raise Invalid("bad photo key")
        return self.root / key


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
