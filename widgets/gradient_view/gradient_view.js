// GradientView: one row per parameter, grouped by layer: a log-scale bar of the grad norm, mean|g| and
// max|g|, a flag, and a sparkline of the norm history (appended point by point, never redrawn).
const FLAG_COLORS = { none: "#888", nan: "#d62728", inf: "#d62728", vanishing: "#1f77b4", exploding: "#ff7f0e", ok: "#2ca02c" };
const BAR_W = 180, SPARK_W = 160, ROW_H = 22, LOG_MIN = -9, LOG_MAX = 4;

function render({ model, el }) {
  const root = h("div", { class: "nbt-root nbt-grads", "data-view": "gradient-view" });
  el.appendChild(root);
  const head = h("div", { class: "nbt-title" });
  const table = h("div", { class: "nbt-grad-table" });
  root.append(head, table);
  let rows = [], nSteps = 0;

  function build() {
    clear(table); rows = [];
    const params = model.get("params") || [];
    const th = model.get("thresholds") || {};
    table.append(h("div", { class: "nbt-grad-row nbt-grad-head" },
      h("span", { class: "nbt-pname" }, "parameter"), h("span", { class: "nbt-bar-cell" }, `‖grad‖ (log scale 1e${LOG_MIN} … 1e${LOG_MAX})`),
      h("span", { class: "nbt-stat" }, "mean|g|"), h("span", { class: "nbt-stat" }, "max|g|"), h("span", { class: "nbt-flag-cell" }, "flag"),
      h("span", {}, "history")));
    let lastLayer = null;
    params.forEach((p, i) => {
      if (p.layer !== lastLayer) { table.append(h("div", { class: "nbt-layer", "data-layer": p.layer }, p.layer || "(top level)")); lastLayer = p.layer; }
      const bar = s("rect", { x: 0, y: 4, height: ROW_H - 8, width: 0, class: "nbt-bar" });
      const barSvg = s("svg", { width: BAR_W, height: ROW_H },
        s("rect", { x: 0, y: 4, width: BAR_W, height: ROW_H - 8, class: "nbt-bar-bg" }), bar,
        th.vanishing ? s("line", { x1: xOf(th.vanishing), x2: xOf(th.vanishing), y1: 0, y2: ROW_H, class: "nbt-th" }) : null,
        th.exploding ? s("line", { x1: xOf(th.exploding), x2: xOf(th.exploding), y1: 0, y2: ROW_H, class: "nbt-th" }) : null);
      const path = s("path", { d: "", class: "nbt-spark", "vector-effect": "non-scaling-stroke" });
      const sg = s("g", {}, path);
      const spark = s("svg", { width: SPARK_W, height: ROW_H }, sg);
      const mean = h("span", { class: "nbt-stat" }), max = h("span", { class: "nbt-stat" });
      const flag = h("span", { class: "nbt-flag" });
      const normText = h("span", { class: "nbt-normtext" });
      const row = h("div", { class: "nbt-grad-row", "data-param": p.name },
        h("span", { class: "nbt-pname", title: `${p.name} (${(p.shape || []).join("×")})` }, p.name.split(".").pop()),
        h("span", { class: "nbt-bar-cell" }, barSvg, normText), mean, max, h("span", { class: "nbt-flag-cell" }, flag), spark);
      table.append(row);
      rows.push({ row, bar, mean, max, flag, normText, path, sg, d: "", n: 0, y0: Infinity, y1: -Infinity, x1: 0 });
    });
    const hist = model.get("history") || {};
    if (hist.steps) {
      const st = unpack(hist.steps).values, nm = unpack(hist.norm).values;
      appendRows(st, nm, rows.length);
    }
    applyLatest();
  }

  function xOf(v) { const l = Math.log10(v); return Math.max(0, Math.min(1, (l - LOG_MIN) / (LOG_MAX - LOG_MIN))) * BAR_W; }

  function appendRows(steps, norms, P) {
    for (let t = 0; t < steps.length; t++) {
      for (let i = 0; i < P && i < rows.length; i++) {
        const r = rows[i], v = norms[t * P + i];
        r.n += 1;
        if (!(v > 0) || !Number.isFinite(v)) continue;
        const y = Math.log10(v);
        r.d += (r.d ? " L" : "M") + steps[t] + " " + y;
        if (y < r.y0) r.y0 = y;
        if (y > r.y1) r.y1 = y;
        r.x1 = steps[t];
      }
    }
    for (const r of rows) {
      r.path.setAttribute("d", r.d);            // append-only path text
      const dy = (r.y1 - r.y0) || 1, dx = r.x1 || 1;
      if (Number.isFinite(r.y0)) r.sg.setAttribute("transform", `translate(2,${ROW_H - 3 + r.y0 * (ROW_H - 6) / dy}) scale(${(SPARK_W - 4) / dx},${-(ROW_H - 6) / dy})`);
      r.row.setAttribute("data-history", r.n);
    }
    nSteps += steps.length;
  }

  function applyLatest() {
    const latest = model.get("latest") || [];
    const counts = {};
    latest.forEach((st, i) => {
      const r = rows[i]; if (!r || !st) return;
      const n = st.norm;
      r.bar.setAttribute("width", n === null || n === undefined || !(n > 0) ? 0 : xOf(n));
      r.bar.setAttribute("fill", FLAG_COLORS[st.flag] || "#2ca02c");
      r.normText.textContent = " " + (n === null || n === undefined ? "—" : fmt(n, 3));
      r.mean.textContent = st.mean_abs === null ? "—" : fmt(st.mean_abs, 3);
      r.max.textContent = st.max_abs === null ? "—" : fmt(st.max_abs, 3);
      r.flag.textContent = st.flag === "none" ? "None" : st.flag;
      r.flag.setAttribute("style", `background:${FLAG_COLORS[st.flag] || "#2ca02c"}`);
      r.row.setAttribute("data-flag", st.flag);
      counts[st.flag] = (counts[st.flag] || 0) + 1;
    });
    const bad = Object.entries(counts).filter(([k]) => k !== "ok").map(([k, v]) => `${v} ${k === "none" ? "None" : k}`);
    head.textContent = `gradients after ${model.get("steps")} backward pass(es)` + (bad.length ? " · flagged: " + bad.join(", ") : "");
    root.setAttribute("data-steps", model.get("steps"));
    root.setAttribute("data-params", rows.length);
    root.setAttribute("data-flagged", bad.length);
  }

  function onMsg(msg, buffers) {
    if (!msg || msg.type !== "append") return;
    appendRows(bufToF64(buffers[0]), bufToF64(buffers[1]), msg.p);
  }
  function onHistory() {
    const hist = model.get("history") || {};
    const n = hist.steps ? hist.steps.shape[0] : 0;
    const last = n ? unpack(hist.steps).values[n - 1] : null;
    const mine = rows.length ? rows[0].n : 0;
    if (n !== mine || (n && last !== rows[0].x1 && rows[0].d)) build();   // downsampled or new view: redraw once
  }
  model.on("msg:custom", onMsg);
  model.on("change:latest", applyLatest);
  model.on("change:steps", applyLatest);
  model.on("change:history", onHistory);
  model.on("change:params", build);
  build();
  return () => { model.off("msg:custom", onMsg); model.off("change:latest", applyLatest); model.off("change:steps", applyLatest); model.off("change:history", onHistory); model.off("change:params", build); };
}

export default { render };
