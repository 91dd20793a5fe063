// The moderators' dashboard: live flags, the queue with one-click decisions, stats charts.
"use strict";

const LABELS = ["scam", "off_platform", "harassment", "spam"];
const BUCKET_MS = 2000;
const KEEP_BUCKETS = 60;
const $ = (id) => document.getElementById(id);

const state = {
  socket: null,
  queue: new Map(),      // message_id -> item
  buckets: new Map(),    // bucket -> {flags: {label: n}, latency: {p50, p95, p99}}
  nodes: new Map(),      // node_id -> last stats
  selected: null,
};

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function scoreChips(labels, flagged) {
  const wrap = el("div", "chips");
  for (const [label, score] of Object.entries(labels || {})) {
    const chip = el("span", "chip" + ((flagged || []).includes(label) ? " hot" : ""),
      `${label} ${Number(score).toFixed(2)}`);
    wrap.append(chip);
  }
  return wrap;
}

// -- connection ------------------------------------------------------------------------------
function signIn(token) {
  if (state.socket) state.socket.close();
  const socket = io("/moderation", { auth: { token }, transports: ["websocket", "polling"] });
  state.socket = socket;
  socket.on("connect", () => {
    setConn("live", "on");
    $("board").hidden = false;
    sessionStorage.setItem("moderatorToken", token);
    loadQueue();
  });
  socket.on("connect_error", (err) => {
    const code = (err && err.data && err.data.code) || err.message;
    setConn(`refused: ${code}`, "off");
  });
  socket.on("disconnect", () => setConn("reconnecting…", "off"));
  socket.on("flag", (body) => addFlag(body.message));
  socket.on("queue.item", (body) => { state.queue.set(body.item.message_id, body.item); renderQueue(); });
  socket.on("queue.decided", (body) => dropItem(body.message_id));
  socket.on("stats", onStats);
}

function setConn(text, cls) {
  const badge = $("conn");
  badge.textContent = text;
  badge.className = `badge ${cls}`;
}

function call(event, payload) {
  return new Promise((resolve) => state.socket.emit(event, payload, resolve));
}

// -- queue -------------------------------------------------------------------------------------
async function loadQueue() {
  const ack = await call("queue.list", { limit: 200 });
  if (!ack.ok) return;
  state.queue = new Map(ack.items.map((i) => [i.message_id, i]));
  renderQueue();
}

function renderQueue() {
  const list = $("queue");
  const items = [...state.queue.values()].sort((a, b) => a.created_at.localeCompare(b.created_at));
  list.replaceChildren(...items.map(queueRow));
  $("queue-count").textContent = `(${items.length})`;
  if (!items.length) list.append(el("li", "hint", "Nothing waiting."));
}

function queueRow(item) {
  const li = el("li", "item");
  li.dataset.messageId = item.message_id;
  if (state.selected === item.message_id) li.classList.add("selected");
  li.append(el("div", "meta", `${item.sender_id} → ${item.recipient_id} · ${item.reasons.join(", ")}`));
  li.append(el("p", "text", item.text));
  li.append(scoreChips(item.labels, item.flagged));
  const actions = el("div", "actions");
  const approve = el("button", "approve", "Approve");
  const remove = el("button", "remove", "Remove");
  approve.addEventListener("click", (e) => { e.stopPropagation(); decide(item, "approve"); });
  remove.addEventListener("click", (e) => { e.stopPropagation(); decide(item, "remove"); });
  actions.append(approve, remove);
  li.append(actions);
  li.addEventListener("click", () => showContext(item.message_id));
  return li;
}

async function decide(item, action) {
  const ack = await call("decision", { message_id: item.message_id, action, note: null });
  if (ack.ok || (ack.error && ack.error.code === "conflict")) dropItem(item.message_id);
  if (!ack.ok && ack.error.code !== "conflict") alert(`${action} failed: ${ack.error.message}`);
}

function dropItem(messageId) {
  state.queue.delete(messageId);
  renderQueue();
}

async function showContext(messageId) {
  state.selected = messageId;
  renderQueue();
  const ack = await call("queue.context", { message_id: messageId, span: 10 });
  const box = $("context");
  if (!ack.ok) { box.replaceChildren(el("p", "hint", ack.error.message)); return; }
  const rows = ack.messages.map((m) => {
    const row = el("div", `ctx ${m.kind} ${m.status}` + (m.id === messageId ? " focus" : ""));
    row.append(el("span", "who", `#${m.seq} ${m.sender_id} · ${m.status}`));
    row.append(el("p", "text", m.text));
    if (m.moderation && m.moderation.labels) row.append(scoreChips(m.moderation.labels, m.moderation.flagged));
    return row;
  });
  box.replaceChildren(el("div", "meta", `listing ${ack.conversation.listing_id}`), ...rows);
}

// -- live flags --------------------------------------------------------------------------------
function addFlag(message) {
  const li = el("li", `item ${message.status}`);
  const mod = message.moderation || {};
  li.append(el("div", "meta", `${mod.action} · ${message.sender_id} · ${(mod.reasons || []).join(", ")}`));
  li.append(el("p", "text", message.text));
  li.append(scoreChips(mod.labels, mod.flagged));
  const feed = $("feed");
  feed.prepend(li);
  while (feed.children.length > 50) feed.lastChild.remove();
}

// -- stats -------------------------------------------------------------------------------------
function onStats(s) {
  state.nodes.set(s.node_id, { ...s, seen: Date.now() });
  const key = Math.floor(Date.parse(s.at) / BUCKET_MS);
  const bucket = state.buckets.get(key) || { flags: {}, latency: { p50: 0, p95: 0, p99: 0 } };
  for (const [label, n] of Object.entries(s.flagged || {})) bucket.flags[label] = (bucket.flags[label] || 0) + n;
  for (const p of ["p50", "p95", "p99"]) {
    bucket.latency[p] = Math.max(bucket.latency[p], (s.latency_ms && s.latency_ms[p]) || 0);
  }
  state.buckets.set(key, bucket);
  renderStats();
}

function renderStats() {
  const now = Date.now();
  const live = [...state.nodes.values()].filter((n) => now - n.seen < 10000);
  const sum = (f) => live.reduce((acc, n) => acc + f(n), 0);
  $("s-rate").textContent = sum((n) => n.messages_per_s).toFixed(1);
  $("s-queue").textContent = live.length ? Math.max(...live.map((n) => n.queue_depth)) : 0;
  const worst = (p) => Math.max(0, ...live.map((n) => (n.latency_ms && n.latency_ms[p]) || 0));
  $("s-p50").textContent = worst("p50").toFixed(1);
  $("s-p95").textContent = worst("p95").toFixed(1);
  $("s-nodes").textContent = live.length;
  // During a rollout nodes may run different model versions: show each one.
  const versions = [...new Set(live.map((n) => n.model_version).filter(Boolean))].sort();
  const health = live.some((n) => n.degraded) ? "rules only" : "ok";
  $("s-degraded").textContent = versions.length ? `${health} · ${versions.join(" / ")}` : health;
  const newest = Math.floor(now / BUCKET_MS);
  const keys = Array.from({ length: KEEP_BUCKETS }, (_, i) => newest - KEEP_BUCKETS + 1 + i);
  for (const k of state.buckets.keys()) if (k < keys[0]) state.buckets.delete(k);
  const get = (k) => state.buckets.get(k);
  drawLines($("chart-flags"), LABELS.map((label) => ({
    name: label, values: keys.map((k) => (get(k) ? get(k).flags[label] || 0 : null)),
  })), $("legend-flags"));
  drawLines($("chart-latency"), ["p50", "p95", "p99"].map((p) => ({
    name: p, values: keys.map((k) => (get(k) ? get(k).latency[p] : null)),
  })), $("legend-latency"));
}

// -- start -------------------------------------------------------------------------------------
$("signin").addEventListener("submit", (e) => {
  e.preventDefault();
  signIn($("token").value.trim());
});
const saved = sessionStorage.getItem("moderatorToken");
if (saved) { $("token").value = saved; signIn(saved); }
setInterval(renderStats, 2000);
