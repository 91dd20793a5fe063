"""The reference peer: a plain python-socketio relay on aiohttp (no auth, storage or moderation).

It answers the chat scenario's events with the hub's shapes, so the same load runs against both:
``conversation.open {listing_id, seller_id}`` and ``message.send`` (acked with the message, which
goes to the other participant as ``message.new``). Framework defaults otherwise: the stdlib json
module, the default event loop unless ``--uvloop``. Run: ``python -m benchmarks.relay --port 8099``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

import socketio
from aiohttp import web


def build_app() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)
    users: dict[str, str] = {}
    conversations: dict[str, tuple[str, str]] = {}
    seqs: dict[str, itertools.count[int]] = {}

    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        user = auth.get("user") if isinstance(auth, dict) else None
        if not isinstance(user, str) or not user:
            return False
        users[sid] = user
        await sio.enter_room(sid, f"user:{user}")
        return True

    async def disconnect(sid: str, *_: Any) -> None:
        users.pop(sid, None)

    async def open_(sid: str, data: Any = None) -> dict[str, Any]:
        if not isinstance(data, dict) or sid not in users:
            return {"ok": False, "error": {"code": "invalid", "message": "bad payload"}}
        buyer, seller = users[sid], str(data.get("seller_id"))
        cid = f"{data.get('listing_id')}:{buyer}"
        conversations[cid] = (buyer, seller)
        seqs.setdefault(cid, itertools.count(1))
        conv = {
            "id": cid,
            "listing_id": data.get("listing_id"),
            "buyer_id": buyer,
            "seller_id": seller,
            "last_seq": 0,
            "unread": 0,
            "created_at": _now(),
        }
        return {"ok": True, "conversation": conv}

    async def send(sid: str, data: Any = None) -> dict[str, Any]:
        if not isinstance(data, dict) or data.get("conversation_id") not in conversations:
            return {"ok": False, "error": {"code": "not_found", "message": "no conversation"}}
        cid = data["conversation_id"]
        sender = users.get(sid, "")
        msg = {
            "id": str(uuid.uuid4()),
            "conversation_id": cid,
            "seq": next(seqs[cid]),
            "sender_id": sender,
            "kind": "text",
            "text": data.get("text"),
            "status": "delivered",
            "client_msg_id": data.get("client_msg_id"),
            "created_at": _now(),
            "offer_id": None,
        }
        for user in conversations[cid]:
            await sio.emit("message.new", {"message": msg}, to=f"user:{user}", skip_sid=sid)
        return {"ok": True, "message": msg}

    async def unknown(event: str, sid: str, *_: Any) -> dict[str, Any]:
        return {"ok": False, "error": {"code": "invalid", "message": f"unknown event {event}"}}

    sio.on("connect", connect)
    sio.on("disconnect", disconnect)
    sio.on("conversation.open", open_)
    sio.on("message.send", send)
    sio.on("*", unknown)
    app = web.Application()
    sio.attach(app)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.router.add_get("/healthz", healthz)
    return app


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8099)
    p.add_argument("--uvloop", action="store_true", help="run on uvloop, as the hub does")
    args = p.parse_args()
    if args.uvloop:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    web.run_app(build_app(), host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
