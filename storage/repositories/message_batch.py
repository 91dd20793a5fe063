"""Group concurrent message appends into one transaction (one commit for many sends).

A node receives many ``message.send`` events at once; storing each in its own transaction costs
a checkout, three statements and a commit per message, and the event loop pays for every one of
them. :class:`AppendBatcher` collects the appends that arrive within ``linger_s`` (or until
``max_batch``) and stores them with :func:`messages.append_many`: one UPDATE for every
conversation's block of seqs, one SELECT, one multi-row INSERT, one commit.

What stays exact: seqs stay gap-free per conversation across nodes (the UPDATE locks the rows);
within a batch a conversation's messages take seqs in the order they were submitted, and one
socket's sends are submitted one after another (the gateway runs a socket's events in order).
If the shared transaction fails for any reason (a repeated (sender, client_msg_id), a missing
conversation, an ``extra`` that refuses), it is rolled back and every message of the batch is
stored again on its own, so each caller gets the outcome it would have had alone: its message,
or its own error (``DuplicateMessage`` for a repeat).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import Database
from storage.errors import Unavailable
from storage.repositories import messages
from storage.repositories.messages import Message, NewMessage

log = logging.getLogger(__name__)

# Stores more rows in the transaction that appends a message; returns the messages it added.
Extra = Callable[[AsyncConnection, Message], Awaitable[list[Message]]]
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Appended:
    message: Message
    # What the append's ``extra`` stored in the same transaction.
    extra: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class _Item:
    new: NewMessage
    extra: Extra | None
    done: asyncio.Future[Appended]


class AppendBatcher:
    """Appends messages in shared transactions, one transaction at a time.

    One at a time is what keeps submission order: a second batch in flight could take its seqs
    before the first (its connection ready sooner), or the first's one-by-one retry could come
    after it. While a batch is stored the next one fills, so batches grow with the load.
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        max_batch: int = 128,
        linger_s: float = 0.001,
    ) -> None:
        self._db = db
        self._now = clock
        self._max_batch = max_batch
        self._linger_s = linger_s
        self._pending: list[_Item] = []
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: asyncio.Task[None] | None = None
        self._closed = False

    async def append(self, new: NewMessage, extra: Extra | None = None) -> Appended:
        """Store ``new`` (and whatever ``extra`` adds) with the next seq; its stored form."""
        return await self.submit(new, extra)

    def submit(self, new: NewMessage, extra: Extra | None = None) -> asyncio.Future[Appended]:
        """Queue ``new`` for storage now; the future gives its stored form. Messages of one
        conversation submitted one after another take increasing seqs."""
        if self._closed:
            raise Unavailable("the hub is shutting down")
        item = _Item(new, extra, asyncio.get_running_loop().create_future())
        self._pending.append(item)
        self._schedule()
        return item.done

    async def close(self) -> None:
        """Store what was submitted, then refuse more."""
        self._closed = True
        while self._pending or self._flushing is not None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._launch()
            if self._flushing is not None:
                await asyncio.wait([self._flushing])

    def _schedule(self) -> None:
        if self._flushing is not None or not self._pending:
            return  # a finishing flush calls back here
        if len(self._pending) >= self._max_batch:
            self._launch()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._linger_s, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._launch()

    def _launch(self) -> None:
        if self._flushing is not None or not self._pending:
            return
        batch = self._pending[: self._max_batch]
        del self._pending[: self._max_batch]
        task = asyncio.get_running_loop().create_task(self._flush(batch), name="append-batch")
        self._flushing = task
        task.add_done_callback(self._flushed)

    def _flushed(self, task: asyncio.Task[None]) -> None:
        self._flushing = None
        if not task.cancelled() and task.exception() is not None:
            log.error("append batch failed", exc_info=task.exception())
        self._launch()  # what came in meanwhile has waited long enough

    async def _flush(self, batch: list[_Item]) -> None:
        try:
            await self._store(batch)
        finally:
            for item in batch:  # only when the flush itself was cancelled
                if not item.done.done():
                    item.done.set_exception(Unavailable("the append was interrupted"))

    async def _store(self, batch: list[_Item]) -> None:
        if len(batch) > 1:
            try:
                stored = await self._db.run(lambda conn: _together(conn, batch, self._now()))
            except asyncio.CancelledError:
                raise
            except Exception:
                # Rolled back as a whole: each message is stored again alone, below, and gets
                # its own outcome; nothing is lost or reported twice.
                log.debug("append batch of %d fell back to one by one", len(batch), exc_info=True)
            else:
                for item, appended in zip(batch, stored, strict=True):
                    _settle(item.done, appended)
                return
        for item in batch:
            try:
                appended = (await self._db.run(self._alone(item)))[0]
            except asyncio.CancelledError:
                raise
            except Exception as e:
                if not item.done.done():
                    item.done.set_exception(e)
            else:
                _settle(item.done, appended)

    def _alone(self, item: _Item) -> Callable[[AsyncConnection], Awaitable[list[Appended]]]:
        return lambda conn: _together(conn, [item], self._now())


async def _together(conn: AsyncConnection, batch: Sequence[_Item], now: datetime) -> list[Appended]:
    stored = await messages.append_many(conn, [i.new for i in batch], now)
    out = []
    for item, msg in zip(batch, stored, strict=True):
        add = item.extra
        more = await add(conn, msg) if add is not None else []
        out.append(Appended(msg, tuple(more)))
    return out


def _settle(done: asyncio.Future[Appended], appended: Appended) -> None:
    # The caller may have gone (its handler was cancelled): the message is stored regardless.
    if not done.done():
        done.set_result(appended)
