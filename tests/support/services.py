"""Where the real services are, and the rule for when one is down: fail in CI, skip elsewhere."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

MARIADB_SERVER_URL = os.environ.get("TEST_MARIADB_URL", "mysql+asyncmy://root@127.0.0.1:3306/test")
# Each test session gets its own database on the server, created and migrated from scratch, so a
# schema left behind by an earlier run (or a concurrent one) can never leak into this one.
MARIADB_DATABASE = f"hubtest_{os.getpid()}"
MARIADB_URL = MARIADB_SERVER_URL.rsplit("/", 1)[0] + "/" + MARIADB_DATABASE
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("+asyncmy", ""))
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def require(name: str) -> None:
    """Skip (locally) or fail (CI=true) when the named service cannot be reached."""
    url, port = {
        "mariadb": (MARIADB_URL, 3306),
        "redis": (REDIS_URL, 6379),
        "rabbitmq": (AMQP_URL, 5672),
    }[name]
    if _reachable(url, port):
        return
    message = f"{name} is not reachable at {url}"
    if IN_CI:
        pytest.fail(message + " (CI=true: services are required)")
    pytest.skip(message)
