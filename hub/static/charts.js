// Tiny line charts on <canvas>: no library, no build step.
"use strict";

const PALETTE = ["#d9480f", "#1c7ed6", "#2f9e44", "#ae3ec9", "#f59f00", "#495057"];

// series: [{name, values: [number|null]}]; draws every series on a shared y axis from 0.
function drawLines(canvas, series, legend) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 28;
  ctx.clearRect(0, 0, w, h);
  const all = series.flatMap((s) => s.values.filter((v) => v !== null));
  const top = Math.max(1, ...all) * 1.15;
  const n = Math.max(2, ...series.map((s) => s.values.length));
  ctx.strokeStyle = "#dee2e6";
  ctx.fillStyle = "#868e96";
  ctx.font = "11px sans-serif";
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = h - pad + ((pad * 2 - h) * i) / 4;
    ctx.beginPath();
    ctx.moveTo(pad, y);
    ctx.lineTo(w - 6, y);
    ctx.stroke();
    ctx.fillText(((top * i) / 4).toFixed(top < 10 ? 1 : 0), 2, y + 4);
  }
  series.forEach((s, k) => {
    ctx.strokeStyle = PALETTE[k % PALETTE.length];
    ctx.lineWidth = 2;
    ctx.beginPath();
    let started = false;
    s.values.forEach((v, i) => {
      if (v === null) return;
      const x = pad + ((w - pad - 6) * i) / (n - 1);
      const y = h - pad - ((h - pad * 2) * v) / top;
      if (started) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      started = true;
    });
    ctx.stroke();
    ctx.fillStyle = ctx.strokeStyle;
    s.values.forEach((v, i) => {
      if (v === null) return;
      const x = pad + ((w - pad - 6) * i) / (n - 1);
      const y = h - pad - ((h - pad * 2) * v) / top;
      ctx.fillRect(x - 2, y - 2, 4, 4);
    });
  });
  if (legend) {
    legend.replaceChildren(...series.map((s, k) => {
      const item = document.createElement("span");
      item.style.setProperty("--swatch", PALETTE[k % PALETTE.length]);
      item.textContent = s.name;
      return item;
    }));
  }
}

window.drawLines = drawLines;
