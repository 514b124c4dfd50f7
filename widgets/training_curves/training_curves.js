// TrainingCurves: one SVG chart per metric group; each series is a <path> in DATA coordinates inside
// a <g> whose transform maps data -> pixels, so a new point is appended to the path's "d" and a
// rescale only changes one transform (nothing is redrawn).
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const W = 420, H = 220, PAD = { l: 52, r: 12, t: 24, b: 28 };

function render({ model, el }) {
  const root = h("div", { class: "nbt-root nbt-curves", "data-view": "training-curves" });
  el.appendChild(root);
  const controls = h("div", { class: "nbt-controls" });
  const logBox = h("input", { type: "checkbox", class: "nbt-log" });
  const smooth = h("input", { type: "range", min: "0", max: "0.99", step: "0.01", class: "nbt-smooth" });
  const smoothLabel = h("span", { class: "nbt-muted" });
  controls.append(h("label", {}, logBox, " log scale "), h("label", {}, " smoothing ", smooth), smoothLabel);
  const titleEl = h("div", { class: "nbt-title" });
  const charts = h("div", { class: "nbt-charts" });
  root.append(titleEl, controls, charts);

  let series = {};   // name -> {x: [], y: [], path, spath, chart, color, ema state}
  let groups = {};   // group -> chart

  function mode(name) {
    const m = (model.get("meta") || []).find((d) => d.name === name);
    return m ? m.mode : "min";
  }
  function yv(v) { return model.get("log_scale") ? (v > 0 ? Math.log10(v) : NaN) : v; }

  function makeChart(group) {
    const svg = s("svg", { width: W, height: H, class: "nbt-chart", "data-group": group });
    const clipId = "nbtclip" + Math.random().toString(36).slice(2);
    svg.append(
      s("defs", {}, s("clipPath", { id: clipId }, s("rect", { x: PAD.l, y: PAD.t, width: W - PAD.l - PAD.r, height: H - PAD.t - PAD.b }))),
      s("text", { x: PAD.l, y: 15, class: "nbt-chart-title" }, group),
      s("rect", { x: PAD.l, y: PAD.t, width: W - PAD.l - PAD.r, height: H - PAD.t - PAD.b, fill: "none", stroke: "#ccc" }));
    const axes = s("g", { class: "nbt-axes" });
    const clip = s("g", { "clip-path": `url(#${clipId})` });
    const data = s("g", { class: "nbt-data" });
    const marks = s("g", { class: "nbt-marks" });
    const legend = s("g", { class: "nbt-legend" });
    clip.appendChild(data);
    svg.append(axes, clip, marks, legend);
    charts.appendChild(svg);
    return { svg, axes, data, marks, legend, names: [], box: null };
  }

  function ensureSeries(name) {
    if (series[name]) return series[name];
    const meta = (model.get("meta") || []).find((d) => d.name === name) || { group: name };
    const chart = groups[meta.group] || (groups[meta.group] = makeChart(meta.group));
    const color = COLORS[Object.keys(series).length % COLORS.length];
    const sm = model.get("smoothing") > 0;
    const path = s("path", { class: "nbt-raw", d: "", stroke: color, fill: "none", "stroke-width": 1.5,
      "vector-effect": "non-scaling-stroke", opacity: sm ? 0.3 : 1, "data-series": name, "data-n": 0 });
    const spath = s("path", { class: "nbt-smooth", d: "", stroke: color, fill: "none", "stroke-width": 2,
      "vector-effect": "non-scaling-stroke", display: sm ? null : "none" });
    chart.data.append(path, spath);
    const k = chart.names.length;
    chart.names.push(name);
    chart.legend.append(s("text", { x: W - PAD.r - 4, y: PAD.t + 12 + 13 * k, "text-anchor": "end", fill: color, class: "nbt-legend-item" }, name));
    const marker = s("circle", { r: 4, fill: color, stroke: "#fff", class: "nbt-best", display: "none", "data-series": name });
    chart.marks.appendChild(marker);
    return (series[name] = { x: [], y: [], path, spath, chart, color, marker, d: "", sd: "", last: 0, num: 0 });
  }

  function appendPoints(name, xs, ys) {
    const sr = ensureSeries(name);
    const a = model.get("smoothing");
    let d = "", sd = "";
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i], y = yv(ys[i]);
      sr.x.push(xs[i]); sr.y.push(ys[i]);
      if (!Number.isFinite(y)) continue;
      d += (sr.d || d ? " L" : "M") + x + " " + y;
      sr.last = sr.last * a + (1 - a) * y; sr.num += 1;
      const sy = a > 0 ? sr.last / (1 - Math.pow(a, sr.num)) : y;
      sd += (sr.sd || sd ? " L" : "M") + x + " " + sy;
      grow(sr.chart, x, y);
    }
    sr.d += d; sr.sd += sd;
    sr.path.setAttribute("d", sr.d);            // append-only: the old path text is kept as is
    sr.spath.setAttribute("d", sr.sd);
    sr.path.setAttribute("data-n", sr.x.length);
  }

  function grow(chart, x, y) {
    const b = chart.box;
    if (!b) { chart.box = { x0: x, x1: x, y0: y, y1: y }; chart.stale = true; return; }
    if (x < b.x0) { b.x0 = x; chart.stale = true; }
    if (x > b.x1) { b.x1 = x; chart.stale = true; }
    if (y < b.y0) { b.y0 = y; chart.stale = true; }
    if (y > b.y1) { b.y1 = y; chart.stale = true; }
  }

  function layout(chart) {
    const b = chart.box;
    if (!b) return;
    let { x0, x1, y0, y1 } = b;
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
    const ypad = (y1 - y0) * 0.05; y0 -= ypad; y1 += ypad;
    const pw = W - PAD.l - PAD.r, ph = H - PAD.t - PAD.b;
    const sx = pw / (x1 - x0), sy = ph / (y1 - y0);
    chart.px = (x) => PAD.l + (x - x0) * sx;
    chart.py = (y) => PAD.t + ph - (y - y0) * sy;
    chart.data.setAttribute("transform", `translate(${PAD.l - x0 * sx},${PAD.t + ph + y0 * sy}) scale(${sx},${-sy})`);
    clear(chart.axes);
    for (const t of ticks(x0, x1, 5)) chart.axes.append(
      s("text", { x: chart.px(t), y: H - 10, "text-anchor": "middle", class: "nbt-tick" }, fmt(t)));
    const logs = model.get("log_scale");
    for (const t of ticks(y0, y1, 4)) chart.axes.append(
      s("line", { x1: PAD.l, x2: W - PAD.r, y1: chart.py(t), y2: chart.py(t), stroke: "#eee" }),
      s("text", { x: PAD.l - 4, y: chart.py(t) + 4, "text-anchor": "end", class: "nbt-tick" }, logs ? fmt(Math.pow(10, t), 2) : fmt(t)));
    chart.stale = false;
  }

  function placeBest() {
    const best = model.get("best") || {};
    for (const [name, sr] of Object.entries(series)) {
      const bv = best[name];
      const y = bv ? yv(bv[1]) : NaN;
      if (!bv || !sr.chart.px || !Number.isFinite(y)) { sr.marker.setAttribute("display", "none"); continue; }
      sr.marker.removeAttribute("display");
      sr.marker.setAttribute("cx", sr.chart.px(bv[0]));
      sr.marker.setAttribute("cy", sr.chart.py(y));
      sr.marker.setAttribute("data-step", bv[0]);
      sr.marker.setAttribute("data-value", bv[1]);
    }
  }

  function refresh() {
    for (const c of Object.values(groups)) if (c.stale) layout(c);
    placeBest();
    let n = 0;
    for (const sr of Object.values(series)) n += sr.x.length;
    root.setAttribute("data-points", n);
    root.setAttribute("data-series", Object.keys(series).length);
  }

  // redraw from the synced state, or (fromLocal) from the points this view already has
  function rebuild(fromLocal) {
    const st = model.get("series") || {};
    const local = series;
    series = {}; groups = {}; clear(charts);
    for (const m of model.get("meta") || []) {
      if (fromLocal && local[m.name]) appendPoints(m.name, local[m.name].x, local[m.name].y);
      else if (st[m.name]) appendPoints(m.name, unpack(st[m.name].x).values, unpack(st[m.name].y).values);
      else ensureSeries(m.name);
    }
    refresh();
  }

  function sameAsState() {
    const st = model.get("series") || {};
    const names = Object.keys(st);
    if (names.length !== Object.keys(series).length) return false;
    return names.every((n) => {
      const sr = series[n]; if (!sr) return false;
      const x = unpack(st[n].x).values;
      return x.length === sr.x.length && (x.length === 0 || (x[0] === sr.x[0] && x[x.length - 1] === sr.x[sr.x.length - 1]));
    });
  }

  function onMsg(msg, buffers) {
    if (!msg || msg.type !== "append") return;
    appendPoints(msg.name, bufToF64(buffers[0]), bufToF64(buffers[1]));
    refresh();
  }

  function syncControls() {
    logBox.checked = !!model.get("log_scale");
    smooth.value = String(model.get("smoothing"));
    smoothLabel.textContent = " " + Number(model.get("smoothing")).toFixed(2);
    titleEl.textContent = model.get("title") || "";
  }

  logBox.addEventListener("change", () => { model.set("log_scale", logBox.checked); model.save_changes(); });
  smooth.addEventListener("input", () => { model.set("smoothing", Number(smooth.value)); model.save_changes(); });
  const onRev = () => { if (!sameAsState()) rebuild(); };
  const onView = () => { syncControls(); rebuild(true); };
  model.on("msg:custom", onMsg);
  model.on("change:rev", onRev);
  model.on("change:best", placeBest);
  model.on("change:log_scale", onView);
  model.on("change:smoothing", onView);
  model.on("change:title", syncControls);
  syncControls();
  rebuild();
  return () => {
    model.off("msg:custom", onMsg); model.off("change:rev", onRev); model.off("change:best", placeBest);
    model.off("change:log_scale", onView); model.off("change:smoothing", onView); model.off("change:title", syncControls);
  };
}

export default { render };
