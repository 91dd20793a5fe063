"""BuyShield handlers: the parties' events on "/", the moderators' on "/moderation"."""

from __future__ import annotations

from typing import Any

from hub.auth import Role
from hub.buyshield import BuyShieldHub
from hub.errors import ClientError, ErrorCode
from hub.gateway import EventContext, Gateway
from hub.moderation import NAMESPACE
from hub.schemas import BuyShieldDispute, BuyShieldRef, DisputeList, DisputeResolve

_MODERATORS = frozenset({Role.MODERATOR, Role.ADMIN})


def _moderator(ctx: EventContext) -> str:
    if ctx.principal.role not in _MODERATORS:
        raise ClientError(ErrorCode.FORBIDDEN, "moderators only")
    return ctx.user_id


def register(gw: Gateway, bs: BuyShieldHub) -> None:
    async def start(ctx: EventContext, p: BuyShieldRef) -> dict[str, Any]:
        return await bs.start(ctx.user_id, p.transaction_id)

    async def get(ctx: EventContext, p: BuyShieldRef) -> dict[str, Any]:
        return await bs.get(ctx.user_id, p.transaction_id)

    async def cancel(ctx: EventContext, p: BuyShieldRef) -> dict[str, Any]:
        return await bs.cancel(ctx.user_id, p.transaction_id)

    async def dispute(ctx: EventContext, p: BuyShieldDispute) -> dict[str, Any]:
        return await bs.dispute(ctx.user_id, p.transaction_id, p.reason)

    async def disputes(ctx: EventContext, p: DisputeList) -> dict[str, Any]:
        _moderator(ctx)
        return await bs.disputes(p.limit)

    async def resolve(ctx: EventContext, p: DisputeResolve) -> dict[str, Any]:
        moderator = _moderator(ctx)
        return await bs.resolve(moderator, p.transaction_id, p.action, p.note)

    gw.on("buyshield.start", BuyShieldRef, start, limited=True)
    gw.on("buyshield.get", BuyShieldRef, get)
    gw.on("buyshield.cancel", BuyShieldRef, cancel, limited=True)
    gw.on("buyshield.dispute", BuyShieldDispute, dispute, limited=True)
    gw.on("dispute.list", DisputeList, disputes, namespace=NAMESPACE)
    gw.on("dispute.resolve", DisputeResolve, resolve, namespace=NAMESPACE, limited=True)
