// Drives a running hub with the official socket.io-client@4 (the mobile app's client).
// Usage: node chat.mjs URL BUYER_TOKEN SELLER_TOKEN LISTING_ID TRANSPORT(websocket|polling) BURST
// Prints one JSON line with what happened; exits non-zero on any failure.
import { io } from "socket.io-client";

const [url, buyerToken, sellerToken, listingId, transport, burstArg] = process.argv.slice(2);
const burst = Number(burstArg || 0);
const transports = transport === "polling" ? ["polling"] : ["websocket"];

function connect(token) {
  return new Promise((resolve, reject) => {
    const s = io(url, { auth: { token }, transports, reconnection: false, timeout: 10000 });
    s.on("connect", () => resolve(s));
    s.on("connect_error", (err) => reject(new Error(`connect_error: ${err.message} ${JSON.stringify(err.data)}`)));
  });
}

const call = (s, ev, data) => s.timeout(15000).emitWithAck(ev, data);

async function main() {
  const buyer = await connect(buyerToken);
  const seller = await connect(sellerToken);
  const received = [];
  seller.on("message.new", (p) => received.push(p.message));

  const opened = await call(buyer, "conversation.open", { listing_id: listingId });
  if (!opened.ok) throw new Error(`open failed: ${JSON.stringify(opened)}`);
  const cid = opened.conversation.id;

  const first = await call(buyer, "message.send", { conversation_id: cid, client_msg_id: "js-1", text: "hello from js" });
  const reply = await call(seller, "message.send", { conversation_id: cid, client_msg_id: "js-r1", text: "hi back" });

  // A burst of emits sent without waiting: on long-polling they go out in one HTTP request.
  const burstAcks = await Promise.all(
    Array.from({ length: burst }, (_, i) =>
      call(buyer, "message.send", { conversation_id: cid, client_msg_id: `js-b${i}`, text: `burst ${i}` })
    )
  );
  const deadline = Date.now() + 10000;
  while (received.length < 1 + burst && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  const result = {
    transport: buyer.io.engine.transport.name,
    conversation_id: cid,
    first, reply,
    burst_ok: burstAcks.filter((a) => a.ok).length,
    burst_seqs: burstAcks.map((a) => a.ok ? a.message.seq : null),
    received_texts: received.map((m) => m.text),
  };
  buyer.close(); seller.close();
  console.log(JSON.stringify(result));
  // A pending long-poll GET would keep Node alive until the next ping; we are done.
  process.exit(0);
}

main().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
