"""Moderation with the shipped model artifacts (models/artifacts): the model really runs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from hub.settings import Settings
from tests.support import services
from tests.support.harness import HubHarness, uid


@pytest.fixture
async def model_hub(
    hub_factory: Any, settings_factory: Callable[..., Settings]
) -> AsyncIterator[HubHarness]:
    settings = settings_factory(moderation_enabled=True)
    if not (settings.model_dir / "model.onnx").exists():
        why = f"no shipped model in {settings.model_dir}"
        if services.IN_CI:
            pytest.fail(why + " (CI=true: the artifacts are part of the repository)")
        pytest.skip(why)
    h: HubHarness = await hub_factory(settings)
    yield h
    await h.close()


async def score(h: HubHarness, text: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {h.token(uid(), 'moderator')}"}
    async with (
        aiohttp.ClientSession() as s,
        s.post(f"{h.url}/api/moderation/score", json={"text": text}, headers=headers) as r,
    ):
        assert r.status == 200
        body: dict[str, Any] = await r.json()
        return body


async def test_the_shipped_model_scores_and_the_hub_is_ready(model_hub: HubHarness) -> None:
    async with aiohttp.ClientSession() as s, s.get(f"{model_hub.url}/readyz") as r:
        assert (await r.json())["checks"]["model"] == "ok"
    clean = await score(model_hub, "Is the bike still available? I can pick it up Saturday.")
    assert clean["degraded"] is False
    assert clean["action"] == "allow"
    scam = await score(
        model_hub, "Send me the 6 digit code Google texted you so I know you're real"
    )
    assert scam["degraded"] is False
    assert "scam" in scam["flagged"]
    assert scam["action"] in {"hold", "block"}


async def test_stats_name_the_model_version(model_hub: HubHarness) -> None:
    """Moderators see which model each node runs (nodes may differ during a rollout)."""
    mod = await model_hub.client(uid("mod"), role="moderator", namespace="/moderation")
    node = model_hub.settings.node_id
    stats = await mod.next_where("stats", lambda s: s["node_id"] == node, timeout=8)
    shipped = (model_hub.settings.model_dir / "VERSION").read_text(encoding="utf-8").strip()
    assert shipped
    assert stats["model_version"] == shipped
    assert stats["degraded"] is False


async def test_a_moderated_send_carries_the_models_verdict(model_hub: HubHarness) -> None:
    buyer, seller, _, conv = await model_hub.pair()
    body = {"conversation_id": conv["id"], "client_msg_id": uid(), "text": "What size is it?"}
    msg = (await buyer.ok("message.send", body))["message"]
    assert msg["status"] == "delivered"
    assert msg["moderation"]["action"] == "allow"
    assert (await seller.next("message.new"))["message"]["id"] == msg["id"]


async def test_a_scam_behind_a_long_friendly_preamble_is_not_delivered(
    model_hub: HubHarness,
) -> None:
    """The model reads 64 tokens; a long message is also scored in windows, so the scam at the
    end of about 80 tokens is not delivered (before 2026-12-06 it was allowed)."""
    buyer, seller, _, conv = await model_hub.pair()
    text = (
        "Hi there! I saw your listing for the mountain bike and I have to say it looks amazing, "
        "exactly what I have been searching for all spring. My son just turned twelve and he "
        "has been begging for a proper bike so he can ride with his friends on the trails "
        "behind our house. Anyway, I can only pay with a gift card, buy one at walmart and send "
        "me the numbers on the back."
    )
    body = {"conversation_id": conv["id"], "client_msg_id": uid(), "text": text}
    msg = (await buyer.ok("message.send", body))["message"]
    assert msg["status"] in {"held", "blocked"}
    assert msg["moderation"]["action"] in {"hold", "block"}
    assert any(reason.startswith("scam:") for reason in msg["moderation"]["reasons"])
    follow = {"conversation_id": conv["id"], "client_msg_id": uid(), "text": "What size is it?"}
    delivered = (await buyer.ok("message.send", follow))["message"]
    # The seller's next message is the follow-up: the scam never reached them.
    assert (await seller.next("message.new"))["message"]["id"] == delivered["id"]


async def test_a_request_for_the_bank_login_is_held_for_a_moderator(
    model_hub: HubHarness,
) -> None:
    """A fake platform notice asking for the bank login was delivered before 2026-12-06 (the
    model scored it scam 0.37); the credential rule holds it, and moderators see why."""
    buyer, seller, _, conv = await model_hub.pair()
    mod = await model_hub.client(uid("mod"), role="moderator", namespace="/moderation")
    text = "the app sent you an email, confirm your bank login there"
    body = {"conversation_id": conv["id"], "client_msg_id": uid(), "text": text}
    msg = (await buyer.ok("message.send", body))["message"]
    assert msg["status"] == "held"
    assert "scam:credential_request" in msg["moderation"]["reasons"]
    queued = await mod.next_where("queue.item", lambda e: e["item"]["message_id"] == msg["id"])
    assert queued["item"]["text"] == text
    assert "scam" in queued["item"]["flagged"]
    follow = {"conversation_id": conv["id"], "client_msg_id": uid(), "text": "What size is it?"}
    delivered = (await buyer.ok("message.send", follow))["message"]
    assert (await seller.next("message.new"))["message"]["id"] == delivered["id"]
