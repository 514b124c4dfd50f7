// KernelSlider: padded input | kernel | output, the current window highlighted, and the arithmetic of
// the current output element. Output values are the real op's (computed in Python, sent as bytes).
function grid(arr, C, Hh, Ww, c, opts) {
  // one channel of a (C, H, W) array as an SVG grid; returns {svg, cell, cells}
  const cell = Math.max(6, Math.min(34, Math.floor((opts.max || 340) / Math.max(Hh, Ww))));
  const showNums = cell >= 24;
  const svg = s("svg", { width: Ww * cell + 2, height: Hh * cell + 2, class: "nbt-grid " + (opts.cls || "") });
  let amax = 0;
  for (let i = 0; i < Hh * Ww; i++) { const v = arr[c * Hh * Ww + i]; if (Number.isFinite(v)) amax = Math.max(amax, Math.abs(v)); }
  const cells = [];
  for (let y = 0; y < Hh; y++) for (let x = 0; x < Ww; x++) {
    const v = arr[c * Hh * Ww + y * Ww + x];
    const pad = opts.isPad ? opts.isPad(y, x) : false;
    const g = s("g", { transform: `translate(${x * cell + 1},${y * cell + 1})` });
    const r = s("rect", { width: cell, height: cell, class: pad ? "nbt-pad" : "nbt-cell",
      fill: pad ? null : (showNums ? null : diverging(amax ? v / amax : 0)) });
    g.append(r, s("title", {}, pad ? "padding" : fmt(v, 4)));
    if (showNums) g.append(s("text", { x: cell / 2, y: cell / 2 + 4, "text-anchor": "middle", class: "nbt-num" }, pad && opts.padLabel ? opts.padLabel : fmt(v, 2)));
    svg.appendChild(g); cells.push(r);
  }
  const hl = s("g", { class: "nbt-hl" });
  svg.appendChild(hl);
  return { svg, cell, cells, hl };
}

function render({ model, el }) {
  const root = h("div", { class: "nbt-root nbt-kernel", "data-view": "kernel-slider", "data-lm-suppress-shortcuts": "true" });
  el.appendChild(root);
  let timer = null;

  function draw() {
    clear(root);
    const cfg = model.get("config") || {};
    const pool = cfg.op && cfg.op.endsWith("pool2d");
    const inp = unpack(model.get("input")), out = unpack(model.get("output"));
    const wt = pool ? null : unpack(model.get("weight"));
    const bias = model.get("bias") && model.get("bias").data ? unpack(model.get("bias")).values : null;
    const [C, Hp, Wp] = inp.shape, [Co, OH, OW] = out.shape;
    const [kh, kw] = cfg.kernel, [sh, sw] = cfg.stride, [dh, dw] = cfg.dilation;
    const lo = cfg.pad_lo, [H, W] = cfg.in_shape.slice(1);
    const groups = cfg.groups || 1, cpg = pool ? 1 : C / groups, opg = Co / groups;
    const n = OH * OW;
    let pos = Math.min(model.get("position"), n - 1), oc = Math.min(model.get("out_channel"), Co - 1);
    const group = pool ? oc : Math.floor(oc / opg);
    const chans = pool ? [oc] : Array.from({ length: cpg }, (_, k) => group * cpg + k);
    let ic = chans.includes(model.get("in_channel")) ? model.get("in_channel") : chans[0];
    const oy = Math.floor(pos / OW), ox = pos % OW;

    // ---- controls
    const play = h("button", { class: "nbt-play" }, timer ? "⏸ Pause" : "▶ Play");
    const stepB = h("button", { class: "nbt-step" }, "Step ▶");
    const slider = h("input", { type: "range", min: 0, max: n - 1, step: 1, class: "nbt-pos" });
    slider.value = String(pos);
    const posLabel = h("span", { class: "nbt-muted" }, ` output (${oy}, ${ox}) · ${pos + 1}/${n}`);
    const ctl = h("div", { class: "nbt-controls" }, play, stepB, slider, posLabel);
    if (Co > 1) {
      const sel = h("select", { class: "nbt-oc" }, Array.from({ length: Co }, (_, k) => h("option", { value: k }, (pool ? "channel " : "out channel ") + k)));
      sel.value = String(oc);
      sel.addEventListener("change", () => { model.set("out_channel", Number(sel.value)); model.save_changes(); });
      ctl.append(sel);
    }
    if (!pool && chans.length > 1) {
      const sel = h("select", { class: "nbt-ic" }, chans.map((k) => h("option", { value: k }, "in channel " + k)));
      sel.value = String(ic);
      sel.addEventListener("change", () => { model.set("in_channel", Number(sel.value)); model.save_changes(); });
      ctl.append(sel);
    }
    const title = h("div", { class: "nbt-title" }, `${cfg.op}: input ${cfg.in_shape.join("×")} → output ${cfg.out_shape.join("×")}` +
      (groups > 1 ? ` · groups=${groups}${groups === C && !pool ? " (depthwise)" : ""}` : "") +
      (cfg.ceil_mode ? " · ceil_mode" : ""));
    const formula = h("div", { class: "nbt-formula" }, (cfg.formula || []).map((f) => h("div", {}, f)));
    root.append(title, ctl, formula);

    // ---- grids
    const isPad = (y, x) => y < lo[0] || y >= lo[0] + H || x < lo[1] || x >= lo[1] + W;
    const gi = grid(inp.values, C, Hp, Wp, ic, { isPad, padLabel: pool && cfg.op === "max_pool2d" ? "pad" : "0", cls: "nbt-input" });
    const panels = h("div", { class: "nbt-panels" });
    panels.append(h("div", { class: "nbt-panel" }, h("div", { class: "nbt-cap" }, `input channel ${ic} (padded ${Hp}×${Wp})`), gi.svg));
    let gk = null;
    if (!pool) {
      gk = grid(wt.values, Co * cpg, kh, kw, oc * cpg + (ic - group * cpg), { max: 140, cls: "nbt-weight" });
      panels.append(h("div", { class: "nbt-panel" }, h("div", { class: "nbt-cap" }, `kernel [${oc}, ${ic - group * cpg}]` + (bias ? `  bias ${fmt(bias[oc], 4)}` : "")), gk.svg));
    } else {
      panels.append(h("div", { class: "nbt-panel" }, h("div", { class: "nbt-cap" }, `${cfg.op === "max_pool2d" ? "max" : "mean"} over ${kh}×${kw}`)));
    }
    const go = grid(out.values, Co, OH, OW, oc, { max: 240, cls: "nbt-output" });
    panels.append(h("div", { class: "nbt-panel" }, h("div", { class: "nbt-cap" }, `output channel ${oc} (${OH}×${OW})`), go.svg));
    root.append(panels);

    // ---- highlight: every cell the window touches, then the output cell
    const y0 = oy * sh, x0 = ox * sw;
    const taps = [];
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const y = y0 + i * dh, x = x0 + j * dw;
      if (y < Hp && x < Wp) taps.push([y, x, i, j]);
    }
    for (const [y, x] of taps) gi.hl.append(s("rect", { x: x * gi.cell + 1, y: y * gi.cell + 1, width: gi.cell, height: gi.cell, class: "nbt-tap" }));
    const win = s("rect", { x: x0 * gi.cell + 1, y: y0 * gi.cell + 1, width: ((kw - 1) * dw + 1) * gi.cell, height: ((kh - 1) * dh + 1) * gi.cell,
      class: "nbt-window", "data-y": y0, "data-x": x0 });
    gi.hl.append(win);
    go.hl.append(s("rect", { x: ox * go.cell + 1, y: oy * go.cell + 1, width: go.cell, height: go.cell, class: "nbt-window nbt-out-current",
      "data-value": out.values[oc * OH * OW + oy * OW + ox] }));

    // ---- the arithmetic of this output element
    const lines = [];
    let result;
    const at = (c, y, x) => inp.values[c * Hp * Wp + y * Wp + x];
    if (!pool) {
      let total = 0;
      for (const c of chans) {
        const parts = [];
        let sub = 0;
        for (const [y, x, i, j] of taps) {
          const xv = at(c, y, x), wv = wt.values[((oc * cpg + (c - group * cpg)) * kh + i) * kw + j];
          sub += xv * wv;
          parts.push(`${fmt(xv, 3)}×${fmt(wv, 3)}`);
        }
        total += sub;
        lines.push(`in ${c}: ` + parts.join(" + ") + ` = ${fmt(sub, 4)}`);
      }
      const b = bias ? bias[oc] : 0;
      result = total + b;
      lines.push(`sum = ${fmt(total, 4)}` + (bias ? ` ; + bias ${fmt(b, 4)} = ${fmt(result, 4)}` : ""));
    } else {
      const vals = taps.filter(([y, x]) => !isPad(y, x)).map(([y, x]) => at(oc, y, x));
      if (cfg.op === "max_pool2d") {
        result = Math.max(...vals);
        lines.push(`max(${vals.map((v) => fmt(v, 3)).join(", ")}) = ${fmt(result, 4)}` + (vals.length < taps.length ? "  (padding is ignored)" : ""));
      } else {
        const ph = Math.min(y0 + kh, H + 2 * lo[0]) - y0, pw = Math.min(x0 + kw, W + 2 * lo[1]) - x0;
        const div = cfg.divisor_override || (cfg.count_include_pad ? ph * pw : vals.length);
        const total = vals.reduce((a, b) => a + b, 0);
        result = total / div;
        lines.push(`(${vals.map((v) => fmt(v, 3)).join(" + ")}) / ${div} = ${fmt(result, 4)}` +
          (cfg.count_include_pad && !cfg.divisor_override ? "  (padding counts in the divisor)" : ""));
      }
    }
    const opVal = out.values[oc * OH * OW + oy * OW + ox];
    lines.push(`${cfg.op} output[${oc}, ${oy}, ${ox}] = ${fmt(opVal, 4)}`);
    root.append(h("pre", { class: "nbt-arith", "data-result": result, "data-output": opVal }, lines.join("\n")));

    root.setAttribute("data-position", pos);
    root.setAttribute("data-oy", oy); root.setAttribute("data-ox", ox);
    root.setAttribute("data-out-channel", oc); root.setAttribute("data-in-channel", ic);
    root.setAttribute("data-heatmap", gi.cell < 24 ? "1" : "0");
    root.setAttribute("data-playing", timer ? "1" : "0");

    const setPos = (p) => { model.set("position", ((p % n) + n) % n); model.save_changes(); };
    slider.addEventListener("input", () => setPos(Number(slider.value)));
    // arrow keys move the window (handled here so that JupyterLab's notebook shortcuts don't take them)
    slider.addEventListener("keydown", (e) => {
      const d = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[e.key];
      e.stopPropagation();
      if (d === undefined) return;
      e.preventDefault();
      setPos(Math.max(0, Math.min(n - 1, pos + d)));
    });
    stepB.addEventListener("click", () => setPos(pos + 1));
    play.addEventListener("click", () => {
      if (timer) { clearInterval(timer); timer = null; draw(); return; }
      timer = setInterval(() => setPos(model.get("position") + 1), 500);
      draw();
    });
    root._focusSlider = () => slider.focus();
  }

  // keep keyboard focus on the slider across redraws (arrow keys keep working)
  function redraw() {
    const hadFocus = root.contains(document.activeElement) && document.activeElement.classList.contains("nbt-pos");
    draw();
    if (hadFocus && root._focusSlider) root._focusSlider();
  }
  const names = ["config", "input", "output", "weight", "bias", "position", "out_channel", "in_channel"];
  for (const k of names) model.on("change:" + k, redraw);
  draw();
  return () => { if (timer) clearInterval(timer); for (const k of names) model.off("change:" + k, redraw); };
}

export default { render };
