"""Handlers on "/moderation": the queue, decisions and a held message's conversation context.

The gateway admits only moderator and admin tokens to this namespace; each handler checks the
role again, so a change to the namespace's roles cannot open these events to anyone else.
"""

from __future__ import annotations

from typing import Any

from hub.auth import Principal, Role
from hub.errors import ClientError, ErrorCode
from hub.gateway import EventContext, Gateway
from hub.moderation import MODERATORS, NAMESPACE, ModerationService
from hub.schemas import ModerationDecision, QueueContext, QueueList

_MODERATORS = frozenset({Role.MODERATOR, Role.ADMIN})


def _moderator(ctx: EventContext) -> str:
    if ctx.principal.role not in _MODERATORS:
        raise ClientError(ErrorCode.FORBIDDEN, "moderators only")
    return ctx.user_id


def register(gw: Gateway, svc: ModerationService) -> None:
    async def queue_list(ctx: EventContext, p: QueueList) -> dict[str, Any]:
        _moderator(ctx)
        return {"items": await svc.pending(p.limit)}

    async def decision(ctx: EventContext, p: ModerationDecision) -> dict[str, Any]:
        moderator = _moderator(ctx)
        return await svc.decide(moderator, p.message_id, p.action, p.note)

    async def context(ctx: EventContext, p: QueueContext) -> dict[str, Any]:
        _moderator(ctx)
        return await svc.context(p.message_id, p.span)

    async def join_stream(principal: Principal, sid: str, namespace: str) -> None:
        if namespace == NAMESPACE and principal.role in _MODERATORS:
            await gw.enter_room(sid, MODERATORS, namespace=NAMESPACE)

    gw.on("queue.list", QueueList, queue_list, namespace=NAMESPACE)
    gw.on("decision", ModerationDecision, decision, namespace=NAMESPACE, limited=True)
    gw.on("queue.context", QueueContext, context, namespace=NAMESPACE)
    gw.on_connect(join_stream)
