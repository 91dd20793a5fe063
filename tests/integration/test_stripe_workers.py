"""BuyShield with RabbitMQ: a hub node and two `hub worker` processes against localstripe.

The workers take the BuyShield commands and both run the expiry scheduler; the expiry of one
hold must cancel it at Stripe once, and be stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from tests.support import services
from tests.support.buyshield import (
    audit,
    delete_buyshield_rows,
    event,
    post_webhook,
    signed,
    status,
    transaction,
    verify,
)
from tests.support.commerce import Cluster
from tests.support.localstripe import API_KEY, LocalStripe, running

SECRET = "whsec_test_workers_0123456789abcdef"
HOLD_HOURS = 8 / 3600  # eight seconds: the real clock runs in the worker processes


@pytest.fixture
def localstripe_url(tmp_path: Path, mariadb: str) -> Iterator[str]:
    for name in ("redis", "rabbitmq"):
        services.require(name)
    with running(tmp_path / "localstripe.log") as url:
        yield url


@pytest.fixture
async def cluster(
    hub_factory: Any, tmp_path: Path, localstripe_url: str
) -> AsyncIterator[tuple[Cluster, Any, LocalStripe, list[str]]]:
    c = Cluster(hub_factory, tmp_path)
    stripe = {
        "stripe_api_key": API_KEY,
        "stripe_webhook_secret": SECRET,
        "stripe_api_base": localstripe_url,
        "buyshield_hold_hours": HOLD_HOURS,
    }
    node = await c.node(**stripe, buyshield_sweep_s=3600)
    env = {f"HUB_{k.upper()}": str(v) for k, v in stripe.items()}
    for _ in range(2):
        await c.worker(**env, HUB_BUYSHIELD_SWEEP_S="0.2", HUB_DATA_DIR=str(tmp_path))
    ls = LocalStripe(localstripe_url)
    await ls.register_webhook("hub", f"{node.url}/api/stripe/webhook", SECRET)
    txns: list[str] = []
    yield c, node, ls, txns
    await delete_buyshield_rows(node.hub.db, txns)
    await c.close()
    conn = await aio_pika.connect(services.AMQP_URL)
    try:
        channel = await conn.channel()
        with contextlib.suppress(aio_pika.exceptions.AMQPError):
            await channel.queue_delete(f"{c.namespace}.buyshield")
    finally:
        await conn.close()


async def _held(node: Any, ls: LocalStripe, txns: list[str]) -> tuple[dict[str, Any], str, str]:
    d = await transaction(node)
    tid = d["txn"]["id"]
    txns.append(tid)
    ack = await d["buyer"].ok("buyshield.start", {"transaction_id": tid})
    pi_id = ack["client_secret"].split("_secret_")[0]
    await ls.confirm_with_card(pi_id)
    # localstripe sends no amount_capturable_updated: send Stripe's event for it.
    intent = await ls.intent(pi_id)
    payload, header = signed(event("payment_intent.amount_capturable_updated", intent), SECRET)
    assert (await post_webhook(node, payload, header))[0] == 200
    code = (await status(d["buyer"], tid, "funds_held"))["release_code"]
    return d, pi_id, code


async def _intent_becomes(ls: LocalStripe, pi_id: str, wanted: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + 20
    while (intent := await ls.intent(pi_id))["status"] != wanted:
        assert loop.time() < end, intent
        await asyncio.sleep(0.1)


async def test_workers_capture_and_expire_once(cluster: Any) -> None:
    c, node, ls, txns = cluster
    d, pi_id, code = await _held(node, ls, txns)
    tid = d["txn"]["id"]
    assert (await verify(node, d["seller_id"], tid, code))[0] == 200
    await _intent_becomes(ls, pi_id, "succeeded")
    for party in (d["buyer"], d["seller"]):
        await status(party, tid, "released")

    late, late_pi, _ = await _held(node, ls, txns)
    late_tid = late["txn"]["id"]
    await status(late["seller"], late_tid, "expired", within=30)
    await _intent_becomes(ls, late_pi, "canceled")
    trail = [r["to_status"] for r in await audit(node.hub.db, late_tid)]
    assert trail.count("expired") == 1
    cancels = [
        line for w in c.workers for line in w.lines if "buyshield.cancel" in line and "done" in line
    ]
    assert len(cancels) == 1, cancels
