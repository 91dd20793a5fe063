"""The dependency direction of STYLE.md, checked by walking every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"hub", "pipeline", "models", "commerce", "storage", "benchmarks"}
ALLOWED = {
    "storage": set(),
    "pipeline": set(),
    "commerce": {"storage"},
    "hub": {"pipeline", "commerce", "storage"},
}
RUNTIME = ("hub", "pipeline", "commerce", "storage")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_what_they_may(package: str) -> None:
    bad = []
    for path in (ROOT / package).rglob("*.py"):
        for name in imports_of(path) & OURS:
            if name != package and name not in ALLOWED[package]:
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad, bad


@pytest.mark.parametrize("package", RUNTIME)
def test_runtime_never_imports_torch_or_transformers(package: str) -> None:
    bad = [
        str(p.relative_to(ROOT))
        for p in (ROOT / package).rglob("*.py")
        if imports_of(p) & {"torch", "transformers", "sklearn"}
    ]
    assert not bad, bad


def test_only_the_gateway_imports_socketio() -> None:
    users = sorted(
        str(p.relative_to(ROOT))
        for pkg in RUNTIME
        for p in (ROOT / pkg).rglob("*.py")
        if imports_of(p) & {"socketio", "engineio"}
    )
    assert users == ["hub/gateway.py"]


def test_only_the_stripe_provider_imports_stripe() -> None:
    users = [
        str(p.relative_to(ROOT))
        for pkg in RUNTIME
        for p in (ROOT / pkg).rglob("*.py")
        if "stripe" in imports_of(p)
    ]
    assert all(u == "commerce/payments/stripe.py" for u in users), users


def test_nothing_reads_os_environ_but_settings() -> None:
    bad = []
    for pkg in RUNTIME:
        for p in (ROOT / pkg).rglob("*.py"):
            text = p.read_text()
            if ("os.environ" in text or "os.getenv" in text) and p.name != "settings.py":
                bad.append(str(p.relative_to(ROOT)))
    assert not bad, bad
