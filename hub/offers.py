"""The hub side of offers: socket events become commerce calls, and changes are pushed.

Push paths (one each, so no socket gets a push twice):
- ``offer.updated`` and the offer's chat line (``message.new``) are emitted by the node that made
  the change, through the gateway's fan-out, right after the commit. The change's outbox also
  carries an ``offer.updated`` event for other services; hub nodes do not consume it.
- ``transaction.update`` comes only from the events consumer (hub/consumers.py), when the
  transaction service has emitted ``transaction.updated``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from commerce import errors as commerce_errors
from commerce.offers import Change, OfferService
from hub import wire
from hub.chat import ChatService
from hub.errors import ClientError, ErrorCode
from hub.gateway import Gateway
from storage.repositories.conversations import Conversation

log = logging.getLogger(__name__)
T = TypeVar("T")

_CODES: dict[type[commerce_errors.CommerceError], ErrorCode] = {
    commerce_errors.Invalid: ErrorCode.INVALID,
    commerce_errors.NotFound: ErrorCode.NOT_FOUND,
    commerce_errors.Forbidden: ErrorCode.FORBIDDEN,
    commerce_errors.Conflict: ErrorCode.CONFLICT,
}


@asynccontextmanager
async def client_errors() -> AsyncIterator[None]:
    """Turn commerce's domain errors into the contract's codes."""
    try:
        yield
    except commerce_errors.CommerceError as e:
        code = _CODES.get(type(e))
        if code is None:
            raise
        raise ClientError(code, str(e)) from e


class OfferHub:
    def __init__(
        self,
        offers: OfferService,
        chat: ChatService,
        gateway: Gateway,
        wake_relay: Callable[[], None],
    ) -> None:
        self._offers = offers
        self._chat = chat
        self._gw = gateway
        self._wake = wake_relay

    async def make(
        self,
        user_id: str,
        conversation_id: str,
        amount_cents: int,
        currency: str | None,
        client_msg_id: str,
    ) -> dict[str, Any]:
        conv = await self._chat.conversation_for(user_id, conversation_id)
        return await self._apply(
            conv, self._offers.make(user_id, conv, amount_cents, currency, client_msg_id)
        )

    async def counter(self, user_id: str, offer_id: str, amount_cents: int) -> dict[str, Any]:
        conv = await self._conversation(user_id, offer_id)
        return await self._apply(conv, self._offers.counter(user_id, offer_id, amount_cents))

    async def accept(self, user_id: str, offer_id: str) -> dict[str, Any]:
        conv = await self._conversation(user_id, offer_id)
        return await self._apply(conv, self._offers.accept(user_id, offer_id))

    async def decline(self, user_id: str, offer_id: str) -> dict[str, Any]:
        conv = await self._conversation(user_id, offer_id)
        return await self._apply(conv, self._offers.decline(user_id, offer_id))

    async def withdraw(self, user_id: str, offer_id: str) -> dict[str, Any]:
        conv = await self._conversation(user_id, offer_id)
        return await self._apply(conv, self._offers.withdraw(user_id, offer_id))

    async def _conversation(self, user_id: str, offer_id: str) -> Conversation:
        async with client_errors():
            offer = await self._offers.get(offer_id)
        if user_id not in offer.parties():
            raise ClientError(ErrorCode.FORBIDDEN, "not a party to this offer")
        return await self._chat.conversation_for(user_id, offer.conversation_id)

    async def _apply(self, conv: Conversation, action: Awaitable[Change]) -> dict[str, Any]:
        async with client_errors():
            change = await action
        if not change.duplicate:
            await self._announce(conv, change)
        out: dict[str, Any] = {"offer": wire.offer(change.offer)}
        if change.transaction is not None:
            out["transaction"] = wire.transaction(change.transaction)
        return out

    async def _announce(self, conv: Conversation, change: Change) -> None:
        self._wake()
        for msg in change.messages:
            await self._chat.deliver(conv, msg)
        for offer in change.changed:
            await self._gw.emit_users(
                "offer.updated", {"offer": wire.offer(offer)}, offer.parties()
            )

    # -- expiry ---------------------------------------------------------------------------
    async def sweep(self) -> int:
        """Expire what is due and push it; returns how many offers expired."""
        changes = await self._offers.expire_due()
        for change in changes:
            conv = await self._chat.conversation_for(
                change.offer.buyer_id, change.offer.conversation_id
            )
            await self._announce(conv, change)
        return len(changes)

    async def run_sweeper(self, interval_s: float) -> None:
        """Sweep every ``interval_s`` until cancelled; a failed sweep is logged and retried."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("offer expiry sweep failed")
