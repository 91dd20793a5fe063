"""A real browser (Debian's chromium, headless, driven by Playwright) on /dashboard and /demo.

A scam message sent in the demo's seller pane is held, shows up live on the dashboard, one click
approves it and the buyer's pane shows it. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.conftest import make_settings
from tests.support import services
from tests.support.harness import HubHarness, uid

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCAM = "To hold it, send me the verification code you got by sms."
TIP = "Keep payments in the app: BuyShield only protects payments made here"


def _unavailable(why: str) -> None:
    if services.IN_CI:
        pytest.fail(f"{why} (CI=true: the browser test is required)")
    pytest.skip(why)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if shutil.which(CHROMIUM) is None:
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        await b.close()


@pytest.fixture
async def demo_hub(hub_factory: Any, tmp_path: Path) -> AsyncIterator[HubHarness]:
    settings = make_settings(
        "embedded",
        tmp_path,
        moderation_enabled=True,
        model_dir=tmp_path / "no-model",
        seed_demo=True,
    )
    h: HubHarness = await hub_factory(settings)
    yield h
    await h.close()


async def test_held_message_is_approved_from_the_dashboard(
    browser: Any, demo_hub: HubHarness
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    dashboard, demo = await context.new_page(), await context.new_page()
    errors: list[str] = []
    for page in (dashboard, demo):
        page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        await dashboard.goto(f"{demo_hub.url}/dashboard")
        await dashboard.fill("#token", demo_hub.token(uid("mod"), "moderator"))
        await dashboard.click("#signin button")
        await dashboard.wait_for_selector("#conn.on")

        await demo.goto(f"{demo_hub.url}/demo")
        await demo.wait_for_selector("body[data-ready=true]")
        await demo.click("#buyer [data-sample^='Can you text me']")
        await demo.locator("#seller .tip", has_text=TIP).wait_for()
        await demo.locator("#buyer .tip", has_text=TIP).wait_for()

        await demo.fill("#seller .composer input", SCAM)
        await demo.press("#seller .composer input", "Enter")
        held = demo.locator("#seller .msg[data-status=held]", has_text=SCAM)
        await held.wait_for()
        assert await demo.locator("#buyer .msg", has_text=SCAM).count() == 0

        # No model folder here: the stats tile says the node moderates with the rules alone.
        await dashboard.locator("#s-degraded", has_text="rules only").wait_for()
        item = dashboard.locator("#queue li.item", has_text=SCAM)
        await item.wait_for()
        await item.click()
        await dashboard.locator("#context .ctx.focus", has_text=SCAM).wait_for()
        await dashboard.locator("#feed li", has_text=SCAM).wait_for()
        await dashboard.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        await item.locator("button.approve").click()
        await item.wait_for(state="detached")

        await demo.locator("#buyer .msg[data-status=delivered]", has_text=SCAM).wait_for()
        await demo.locator("#seller .msg[data-status=delivered]", has_text=SCAM).wait_for()

        await demo.click("#buyer .offer button")
        await demo.locator("#seller .offer-card[data-status=pending] button.accept").click()
        await demo.locator("#buyer .offer-card[data-status=accepted]").wait_for()
        await demo.screenshot(path=str(ARTIFACTS / "demo.png"), full_page=True)
    finally:
        await context.close()
    assert errors == []
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 0


async def test_demo_tokens_exist_only_where_the_demo_is_seeded(
    hub_factory: Any, tmp_path: Path
) -> None:
    seeded: HubHarness = await hub_factory(make_settings("embedded", tmp_path, seed_demo=True))
    plain: HubHarness = await hub_factory(
        make_settings("embedded", tmp_path / "p", seed_demo=False)
    )
    try:
        async with aiohttp.ClientSession() as s:
            async with s.get(f"{seeded.url}/demo/tokens") as r:
                body = await r.json()
                assert r.status == 200
            claims = seeded.hub.verifier.verify(body["buyer"]["token"])
            assert (claims.user_id, claims.role.value) == ("demo-buyer", "user")
            async with s.get(f"{plain.url}/demo/tokens") as r:
                assert r.status == 404
            for path in ("/demo", "/dashboard", "/static/vendor/socket.io.min.js"):
                async with s.get(f"{plain.url}{path}") as r:
                    assert r.status == 200, path
    finally:
        await seeded.close()
        await plain.close()


async def test_dashboard_shows_the_model_version_each_node_runs(
    browser: Any, hub_factory: Any, tmp_path: Path
) -> None:
    settings = make_settings("embedded", tmp_path, moderation_enabled=True)
    if not (settings.model_dir / "VERSION").exists():
        _unavailable(f"no shipped model in {settings.model_dir}")
    version = (settings.model_dir / "VERSION").read_text(encoding="utf-8").strip()
    h: HubHarness = await hub_factory(settings)
    page = await browser.new_page()
    try:
        await page.goto(f"{h.url}/dashboard")
        await page.fill("#token", h.token(uid("mod"), "moderator"))
        await page.click("#signin button")
        await page.locator("#s-degraded", has_text=f"ok · {version}").wait_for()
    finally:
        await page.close()
        await h.close()
