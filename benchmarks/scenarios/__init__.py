"""The scenarios, by name: ``async def run(target, cfg, progress) -> Outcome``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from benchmarks.scenarios import chat, connections, fanout, offers, reconnect
from benchmarks.scenarios.common import Outcome, Progress, RunConfig
from benchmarks.target import Target

Scenario = Callable[[Target, RunConfig, Progress], Awaitable[Outcome]]

SCENARIOS: dict[str, Scenario] = {
    "chat": chat.chat,
    "moderated-chat": chat.moderated_chat,
    "offers": offers.offers,
    "price-fanout": fanout.price_fanout,
    "reconnect-storm": reconnect.reconnect_storm,
    "connections": connections.connections,
}
# The scenarios the reference relay can answer (it speaks only conversation.open and message.send).
RELAY_SCENARIOS = frozenset({"chat", "connections"})
