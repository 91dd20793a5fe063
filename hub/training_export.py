"""Moderators' decisions as labelled messages for the next moderation model.

Every held message a moderator decides is a real chat message with a human label: approved, it
was fine although the pipeline held it (a hard negative, the kind of error the model card's
targets count); removed, it was risky for the labels the pipeline flagged. `hub
moderation-export` writes them as JSON lines, one per decided message, in the order they were
decided; `python -m models data --decisions FILE` adds them to the training corpus (model card,
"Data").

A row: ``{"text", "labels", "hard", "decision", "flagged", "decided_at", "message_id"}``.
`labels` is empty for an approved message and the verdict's flagged labels for a removed one;
`hard` is true for an approved one. A removed message whose verdict flagged no label (held by a
rule without one) says nothing about which label: it is skipped and counted. No user ids are
written; the text is chat users wrote, so the file is personal data: keep it where the chat
database is kept, and delete it once the data is built.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from hub import wire
from storage.engine import Database
from storage.repositories import moderation as queue

log = logging.getLogger(__name__)

APPROVED = "approved"
REMOVED = "removed"
PAGE = 500


@dataclass(slots=True)
class ExportCounts:
    """What an export wrote and skipped."""

    approved: int = 0
    removed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {"approved": self.approved, "removed": self.removed, "skipped": self.skipped}


def row_of(item: queue.QueueItem) -> dict[str, Any] | None:
    """The labelled row of one decided queue item, or None when it teaches nothing."""
    flagged = [str(label) for label in item.verdict.get("flagged", ()) if isinstance(label, str)]
    if item.status == APPROVED:
        labels: list[str] = []
    elif item.status == REMOVED and flagged:
        labels = sorted(set(flagged))
    else:
        return None
    return {
        "text": item.text,
        "labels": labels,
        "hard": item.status == APPROVED,
        "decision": item.status,
        "flagged": flagged,
        "decided_at": wire.iso(item.decided_at),
        "message_id": item.message_id,
    }


async def export_decisions(
    db: Database, out: TextIO, *, since: datetime | None = None, page: int = PAGE
) -> ExportCounts:
    """Write every decided message (decided at or after `since`) to `out` as JSON lines."""
    counts = ExportCounts()
    after: tuple[datetime, str] | None = None
    while True:
        async with db.read() as conn:
            items = await queue.decided(conn, page, since=since, after=after)
        for item in items:
            row = row_of(item)
            if row is None:
                counts.skip("no_label" if item.status == REMOVED else f"status_{item.status}")
                continue
            if not row["text"].strip():
                counts.skip("empty_text")
                continue
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            if item.status == APPROVED:
                counts.approved += 1
            else:
                counts.removed += 1
        if len(items) < page:
            break
        last = items[-1]
        assert last.decided_at is not None  # `decided` returns decided items only
        after = (last.decided_at, last.message_id)
    log.info("moderation export: %s", counts.to_dict())
    return counts
