// The two-pane demo chat: a buyer and a seller on the seeded demo listing, on the real hub.
"use strict";

const STATUS_NOTE = { held: "held for review", blocked: "not delivered", removed: "removed by a moderator" };

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function newId() {
  return (crypto.randomUUID && crypto.randomUUID()) || `${Date.now()}-${Math.random()}`;
}

class Pane {
  constructor(root, user) {
    this.root = root;
    this.user = user;
    this.log = root.querySelector(".log");
    this.rows = new Map();       // message or offer id -> element
    this.conv = null;
    root.querySelector(".who").textContent = user.user_id;
  }

  connect(onReady) {
    this.socket = io("/", { auth: { token: this.user.token }, forceNew: true,
      transports: ["websocket", "polling"] });
    const badge = this.root.querySelector(".badge");
    this.socket.on("connect", () => { badge.textContent = "online"; badge.className = "badge on"; onReady(); });
    this.socket.on("connect_error", (e) => { badge.textContent = (e.data && e.data.code) || "error"; });
    this.socket.on("disconnect", () => { badge.textContent = "offline"; badge.className = "badge off"; });
    this.socket.on("message.new", (b) => this.showMessage(b.message));
    this.socket.on("message.updated", (b) => this.showMessage(b.message));
    this.socket.on("intervention", (b) => this.showTip(b));
    this.socket.on("offer.updated", (b) => this.showOffer(b.offer));
    this.socket.on("transaction.update", (b) => this.note(`Sale ${b.transaction.status}: ${money(b.transaction.amount_cents)}`));
  }

  call(event, payload) {
    return new Promise((resolve) => this.socket.emit(event, payload, resolve));
  }

  async open(conv) {
    this.conv = conv;
    const ack = await this.call("conversation.history", { conversation_id: conv.id, limit: 100 });
    if (ack.ok) ack.messages.forEach((m) => this.showMessage(m));
  }

  async send(text) {
    if (!text || !this.conv) return;
    const ack = await this.call("message.send", { conversation_id: this.conv.id, client_msg_id: newId(), text });
    if (ack.ok) this.showMessage(ack.message); else this.note(`Not sent: ${ack.error.message}`, "error");
  }

  place(id, node, seq) {
    const old = this.rows.get(id);
    node.dataset.id = id;
    if (seq !== undefined) node.dataset.seq = seq;
    if (old) { old.replaceWith(node); } else {
      const after = [...this.log.children].find((c) => seq !== undefined && Number(c.dataset.seq) > seq);
      if (after) this.log.insertBefore(node, after); else this.log.append(node);
    }
    this.rows.set(id, node);
    this.log.scrollTop = this.log.scrollHeight;
  }

  showMessage(m) {
    if (m.kind === "intervention") { this.showTip({ message_id: m.id, text: m.text, seq: m.seq }); return; }
    const mine = m.sender_id === this.user.user_id;
    const row = el("div", `msg ${mine ? "mine" : "theirs"} ${m.kind} ${m.status}`);
    row.dataset.status = m.status;
    row.append(el("p", "text", m.text));
    const bits = [];
    if (m.status !== "delivered") bits.push(STATUS_NOTE[m.status] || m.status);
    if (mine && m.moderation && m.moderation.action !== "allow") {
      bits.push(`${m.moderation.action}: ${m.moderation.reasons.join(", ")}`);
    }
    if (bits.length) row.append(el("span", "status", bits.join(" · ")));
    this.place(m.id, row, m.seq);
  }

  showTip(t) {
    const row = el("div", "tip");
    row.append(el("span", "icon", "Safety tip"), el("span", "text", t.text));
    this.place(t.message_id, row, t.seq);
  }

  showOffer(o) {
    const row = el("div", `offer-card ${o.status}`);
    row.dataset.status = o.status;
    row.append(el("span", "text", `Offer ${money(o.amount_cents)} · ${o.status}`));
    if (o.status === "pending" && o.made_by !== this.user.user_id) {
      for (const action of ["accept", "decline"]) {
        const b = el("button", action, action === "accept" ? "Accept" : "Decline");
        b.addEventListener("click", async () => {
          const ack = await this.call(`offer.${action}`, { offer_id: o.id });
          if (ack.ok) this.showOffer(ack.offer); else this.note(`Offer: ${ack.error.message}`, "error");
        });
        row.append(b);
      }
    }
    this.place(`offer:${o.id}`, row);
  }

  note(text, cls = "") {
    this.log.append(el("div", `note ${cls}`, text));
    this.log.scrollTop = this.log.scrollHeight;
  }
}

function money(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}

function wire(pane) {
  const form = pane.root.querySelector(".composer");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    pane.send(form.text.value.trim());
    form.text.value = "";
  });
  pane.root.querySelectorAll("[data-sample]").forEach((b) =>
    b.addEventListener("click", () => pane.send(b.dataset.sample)));
  const offer = pane.root.querySelector(".offer");
  if (offer) {
    offer.addEventListener("submit", async (e) => {
      e.preventDefault();
      const cents = Math.round(Number(offer.amount.value) * 100);
      const ack = await pane.call("offer.make", { conversation_id: pane.conv.id, amount_cents: cents, client_msg_id: newId() });
      if (ack.ok) pane.showOffer(ack.offer); else pane.note(`Offer: ${ack.error.message}`, "error");
    });
  }
}

async function start() {
  const res = await fetch("/demo/tokens");
  if (!res.ok) {
    document.getElementById("listing").textContent =
      "The demo runs on the embedded default only (or with HUB_SEED_DEMO=1).";
    return;
  }
  const demo = await res.json();
  const buyer = new Pane(document.getElementById("buyer"), demo.buyer);
  const seller = new Pane(document.getElementById("seller"), demo.seller);
  [buyer, seller].forEach(wire);
  let conv = null;
  const sellerReady = new Promise((resolve) => seller.connect(resolve));
  buyer.connect(async () => {
    const ack = await buyer.call("conversation.open", { listing_id: demo.listing_id });
    if (!ack.ok) { buyer.note(`Cannot open the demo conversation: ${ack.error.message}`, "error"); return; }
    const first = conv === null;
    conv = ack.conversation;
    if (first) {
      document.getElementById("listing").textContent = `Listing ${conv.listing_id} · conversation ${conv.id}`;
      await buyer.open(conv);
      await sellerReady;
      await seller.open(conv);
      document.body.dataset.ready = "true";
    }
  });
}

start();
