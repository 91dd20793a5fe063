"""The official JavaScript client (socket.io-client@4 on Node.js) against the hub."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from tests.support import services
from tests.support.harness import HubHarness, uid

JS_DIR = Path(__file__).parent / "js"


def _need_node() -> None:
    if shutil.which("node") and (JS_DIR / "node_modules" / "socket.io-client").is_dir():
        return
    msg = "node and tests/e2e/js/node_modules are needed (make test runs npm ci)"
    if services.IN_CI:
        pytest.fail(msg)
    pytest.skip(msg)


async def run_js(hub: HubHarness, transport: str, burst: int) -> dict:
    _need_node()
    buyer_id, seller_id = uid("jsbuyer"), uid("jsseller")
    listing = await hub.put_listing(seller_id)
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(JS_DIR / "chat.mjs"),
        hub.url,
        hub.token(buyer_id),
        hub.token(seller_id),
        listing["id"],
        transport,
        str(burst),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return json.loads(out.decode().strip().splitlines()[-1])


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_official_js_client_chats(hub: HubHarness, transport: str) -> None:
    burst = 25 if transport == "polling" else 5
    res = await run_js(hub, transport, burst)
    assert res["transport"] == transport
    assert res["first"]["ok"] is True
    assert res["first"]["message"]["seq"] == 1
    assert res["reply"]["ok"] is True
    assert res["reply"]["message"]["seq"] == 2
    # every emit of the burst was accepted and stored in the order sent
    assert res["burst_ok"] == burst
    assert res["burst_seqs"] == list(range(3, 3 + burst))
    assert res["received_texts"] == ["hello from js"] + [f"burst {i}" for i in range(burst)]
