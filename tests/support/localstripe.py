"""localstripe (a stateful Stripe API emulator) as a local process, for the Stripe tests.

It is installed into the project's venv (``pip install localstripe``; its dependencies are
aiohttp and python-dateutil, which ours already satisfy). Missing, the tests skip locally and
fail in CI. What localstripe does not do that Stripe does, the tests say where they rely on it:
- it ignores ``Idempotency-Key`` (Stripe returns the first answer again for the same key);
- it sends no ``payment_intent.amount_capturable_updated``, ``payment_intent.canceled``,
  ``charge.refunded`` or ``charge.dispute.created`` webhooks; it does send a signed
  ``payment_intent.succeeded`` when a payment is captured.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support import services

API_KEY = "sk_test_localstripe_echolist"
_AUTH = {"Authorization": f"Bearer {API_KEY}"}


def _binary() -> Path | None:
    path = Path(sys.executable).parent / "localstripe"
    return path if path.exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running(log: Path) -> Iterator[str]:
    """Start localstripe on a free port; yields its base URL; stops it after."""
    binary = _binary()
    if binary is None:
        message = "localstripe is not installed in the venv (pip install localstripe)"
        if services.IN_CI:
            pytest.fail(message + " (CI=true)")
        pytest.skip(message)
    port = _free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(binary), "--port", str(port), "--from-scratch"], stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(port, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait(port: int, proc: subprocess.Popen[bytes], within_s: float = 20) -> None:
    end = time.monotonic() + within_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"localstripe exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise TimeoutError("localstripe did not start")


class LocalStripe:
    """The emulator's HTTP API, as the tests (and the app's part) use it."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def _call(self, method: str, path: str, **data: Any) -> Any:
        async with (
            aiohttp.ClientSession(headers=_AUTH) as s,
            s.request(method, f"{self.url}{path}", data=data or None) as r,
        ):
            body = await r.json()
            assert r.status == 200, (path, body)
            return body

    async def register_webhook(self, name: str, url: str, secret: str) -> None:
        async with (
            aiohttp.ClientSession() as s,
            s.post(f"{self.url}/_config/webhooks/{name}", data={"url": url, "secret": secret}) as r,
        ):
            assert r.status == 200, await r.text()

    async def intent(self, pi_id: str) -> dict[str, Any]:
        out: dict[str, Any] = await self._call("GET", f"/v1/payment_intents/{pi_id}")
        return out

    async def charge(self, charge_id: str) -> dict[str, Any]:
        out: dict[str, Any] = await self._call("GET", f"/v1/charges/{charge_id}")
        return out

    async def intents_for(self, transaction_id: str) -> list[dict[str, Any]]:
        page = await self._call("GET", "/v1/payment_intents?limit=100")
        return [pi for pi in page["data"] if pi["metadata"].get("transaction_id") == transaction_id]

    async def confirm_with_card(self, pi_id: str, number: str = "4242424242424242") -> None:
        """What the app does with Stripe's SDK: attach a test card and confirm."""
        pm = await self._call(
            "POST",
            "/v1/payment_methods",
            **{
                "type": "card",
                "card[number]": number,
                "card[exp_month]": "12",
                "card[exp_year]": "2030",
                "card[cvc]": "123",
            },
        )
        await self._call("POST", f"/v1/payment_intents/{pi_id}", payment_method=pm["id"])
        await self._call("POST", f"/v1/payment_intents/{pi_id}/confirm")
