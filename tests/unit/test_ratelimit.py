"""The in-process rate limiter (the Redis one is exercised by the production e2e tests)."""

from __future__ import annotations

from hub.events.chat import CHARS_PER_EVENT, message_cost
from hub.ratelimit import LocalRateLimiter
from hub.schemas import MessageSend


async def test_local_limiter_allows_up_to_limit_then_says_when() -> None:
    rl = LocalRateLimiter(limit=3, window_s=60)
    assert [await rl.hit("u") for _ in range(3)] == [None, None, None]
    retry = await rl.hit("u")
    assert retry is not None
    assert 0 < retry <= 60_000
    assert await rl.hit("other") is None


async def test_local_limiter_counts_the_cost_of_an_event() -> None:
    rl = LocalRateLimiter(limit=10, window_s=60)
    assert await rl.hit("u", 8) is None
    assert await rl.hit("u", 2) is None  # 10 of 10
    assert await rl.hit("u", 1) is not None
    assert await rl.hit("other", 11) is not None  # one event may exceed the limit alone


def test_a_long_message_counts_as_several_events() -> None:
    def send(text: str) -> MessageSend:
        return MessageSend(conversation_id="c", client_msg_id="m", text=text)

    assert message_cost(send("is it still available?")) == 1
    assert message_cost(send("x" * CHARS_PER_EVENT)) == 1
    assert message_cost(send("x" * (CHARS_PER_EVENT + 1))) == 2
    assert message_cost(send("x" * 2000)) == 8
