"""Handlers for chat events on "/"."""

from __future__ import annotations

from typing import Any

from hub.chat import ChatService
from hub.gateway import EventContext, Gateway
from hub.schemas import (
    ConversationHistory,
    ConversationOpen,
    Empty,
    MessageRead,
    MessageSend,
    Sync,
    Typing,
)

# Characters of a message that count as one event against the sender's rate limit. Moderation
# scores a message longer than its model's 64 tokens in up to 25 windows (pipeline/stages/model.py),
# so a long message costs the node several short ones: 2,000 characters count as 8 events,
# ordinary chat (up to 250 characters) as 1.
CHARS_PER_EVENT = 250


def message_cost(p: MessageSend) -> int:
    """How many events a `message.send` counts as against the sender's rate limit."""
    return max(1, -(-len(p.text) // CHARS_PER_EVENT))


def register(gw: Gateway, chat: ChatService) -> None:
    async def open_(ctx: EventContext, p: ConversationOpen) -> dict[str, Any]:
        return {"conversation": await chat.open(ctx.user_id, p.listing_id)}

    async def list_(ctx: EventContext, _: Empty) -> dict[str, Any]:
        return {"conversations": await chat.conversations(ctx.user_id)}

    async def history(ctx: EventContext, p: ConversationHistory) -> dict[str, Any]:
        msgs = await chat.history(ctx.user_id, p.conversation_id, p.before_seq, p.limit)
        return {"messages": msgs}

    async def send(ctx: EventContext, p: MessageSend) -> dict[str, Any]:
        msg = await chat.send(ctx.user_id, ctx.sid, p.conversation_id, p.client_msg_id, p.text)
        return {"message": msg}

    async def read(ctx: EventContext, p: MessageRead) -> dict[str, Any]:
        await chat.read(ctx.user_id, p.conversation_id, p.seq)
        return {}

    async def typing(ctx: EventContext, p: Typing) -> dict[str, Any]:
        await chat.typing(ctx.user_id, p.conversation_id, p.typing)
        return {}

    async def sync(ctx: EventContext, p: Sync) -> dict[str, Any]:
        msgs, more = await chat.sync(ctx.user_id, dict(p.cursors))
        return {"messages": msgs, "has_more": more}

    gw.on("conversation.open", ConversationOpen, open_, limited=True)
    gw.on("conversation.list", Empty, list_)
    gw.on("conversation.history", ConversationHistory, history)
    gw.on("message.send", MessageSend, send, limited=True, pipelined=True, cost=message_cost)
    gw.on("message.read", MessageRead, read)
    gw.on("typing", Typing, typing, limited=True)
    gw.on("sync", Sync, sync)
