// GraphView: the autograd graph as boxes (laid out in Python) and edges; click a node for its values,
// step through backward to watch gradients arrive. All labels are text nodes.
function summaryLine(sm) {
  if (!sm) return "";
  if (sm.outputs) return sm.outputs.map(summaryLine).join(" | ");
  const p = (sm.preview || []).map((v) => fmt(typeof v === "string" ? Number(v) : v, 3)).join(", ");
  return "[" + p + (sm.numel > (sm.preview || []).length ? ", …]" : "]");
}

function statsText(sm) {
  if (!sm) return "—";
  if (sm.outputs) return sm.outputs.map(statsText).join("\n");
  const lines = [];
  if (sm.values) lines.push("values: [" + sm.values.map((v) => fmt(typeof v === "string" ? Number(v) : v, 4)).join(", ") + "]");
  lines.push(`numel ${sm.numel}  shape (${(sm.shape || []).join(", ")})`);
  if (sm.min !== null && sm.min !== undefined)
    lines.push(`min ${fmt(+sm.min, 4)}  max ${fmt(+sm.max, 4)}  mean ${fmt(+sm.mean, 4)}  std ${fmt(+sm.std, 4)}`);
  if (sm.has_nan || sm.has_inf) lines.push("contains " + [sm.has_nan && "NaN", sm.has_inf && "Inf"].filter(Boolean).join(" and "));
  return lines.join("\n");
}

function render({ model, el }) {
  const root = h("div", { class: "nbt-root nbt-graph", "data-view": "graph-view" });
  el.appendChild(root);
  const bar = h("div", { class: "nbt-controls" });
  const bFirst = h("button", { class: "nbt-first", title: "before backward" }, "⏮");
  const bPrev = h("button", { class: "nbt-prev" }, "◀ step");
  const bNext = h("button", { class: "nbt-next" }, "step ▶");
  const bLast = h("button", { class: "nbt-last", title: "current grads" }, "⏭");
  const stepLabel = h("span", { class: "nbt-step-label nbt-muted" });
  bar.append(bFirst, bPrev, bNext, bLast, stepLabel);
  const scroller = h("div", { class: "nbt-graph-scroll" });
  const detail = h("pre", { class: "nbt-detail" });
  root.append(bar, scroller, detail);
  let nodeEls = {};

  function draw() {
    const g = model.get("graph") || {};
    const [bw, bh] = g.box || [170, 64];
    clear(scroller); nodeEls = {};
    const svg = s("svg", { width: g.width || 100, height: g.height || 100, class: "nbt-graph-svg" });
    svg.append(s("defs", {}, s("marker", { id: "nbt-arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" },
      s("path", { d: "M0,0 L10,5 L0,10 z", fill: "#889" }))));
    const gGroups = s("g"), gEdges = s("g"), gNodes = s("g");
    svg.append(gGroups, gEdges, gNodes);
    for (const gr of g.groups || []) {
      gGroups.append(s("rect", { x: gr.x0, y: gr.y0, width: gr.x1 - gr.x0, height: gr.y1 - gr.y0, rx: 8, class: "nbt-module", "data-module": gr.module }),
        s("text", { x: gr.x0 + 6, y: gr.y0 + 12, class: "nbt-module-label" }, gr.module));
    }
    const pos = {};
    for (const n of g.nodes || []) pos[n.id] = n;
    for (const e of g.edges || []) {
      const a = pos[e.source], b = pos[e.target];
      if (!a || !b) continue;
      const x1 = a.x + bw, y1 = a.y + bh / 2, x2 = b.x, y2 = b.y + bh / 2, mx = (x1 + x2) / 2;
      gEdges.append(s("path", { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, class: "nbt-edge", "marker-end": "url(#nbt-arrow)" }));
    }
    for (const n of g.nodes || []) {
      const shape = n.shape ? "(" + n.shape.join(", ") + ")" : "?";
      const grp = s("g", { class: `nbt-node nbt-${n.kind}`, transform: `translate(${n.x},${n.y})`, "data-id": n.id,
        "data-kind": n.kind, "data-label": n.label, tabindex: 0 });
      const val = s("text", { x: 6, y: 42, class: "nbt-val" }, "v " + summaryLine(n.value));
      const grad = s("text", { x: 6, y: 56, class: "nbt-grad" });
      grp.append(s("rect", { width: bw, height: bh, rx: 6 }),
        s("text", { x: 6, y: 15, class: "nbt-label" }, n.label),
        s("text", { x: 6, y: 28, class: "nbt-shape" }, shape + " " + (n.dtype || "")),
        val, grad, s("title", {}, (n.name ? n.name + "\n" : "") + n.label));
      grp.addEventListener("click", () => { model.set("selected", n.id); model.save_changes(); showDetail(); });
      gNodes.appendChild(grp);
      nodeEls[n.id] = { grp, grad, node: n };
    }
    scroller.appendChild(svg);
    root.setAttribute("data-nodes", (g.nodes || []).length);
    root.setAttribute("data-edges", (g.edges || []).length);
    applyStep();
  }

  // grads shown at the current step: -1 = what trace() saw; k = replayed deltas up to step k
  function gradsAt(k) {
    const steps = model.get("steps") || [];
    if (k < 0 || !steps.length) {
      const out = {};
      for (const [id, ne] of Object.entries(nodeEls)) if (ne.node.grad) out[id] = ne.node.grad;
      return { grads: out, current: null, pending: [] };
    }
    const grads = {};
    for (let i = 0; i <= k && i < steps.length; i++) Object.assign(grads, steps[i].delta);
    return { grads, current: steps[Math.min(k, steps.length - 1)].node, pending: steps[Math.min(k, steps.length - 1)].pending || [] };
  }

  function applyStep() {
    const k = model.get("step"), steps = model.get("steps") || [];
    const { grads, current, pending } = gradsAt(k);
    for (const [id, ne] of Object.entries(nodeEls)) {
      const gs = grads[id];
      ne.grad.textContent = gs ? "g " + summaryLine(gs) : "";
      ne.grp.classList.toggle("nbt-current", id === current);
      ne.grp.classList.toggle("nbt-pending", pending.includes(id));
      ne.grp.classList.toggle("nbt-has-grad", !!gs);
    }
    root.setAttribute("data-step", k);
    root.setAttribute("data-grads", Object.keys(grads).length);
    stepLabel.textContent = !steps.length ? " (stepping needs the graph: build the view before backward())"
      : k < 0 ? ` current grads · ${steps.length} backward steps`
      : ` backward step ${k + 1} / ${steps.length}: ${steps[k].label}`;
    bPrev.disabled = !steps.length || k === 0; bNext.disabled = !steps.length || k === steps.length - 1;
    showDetail();
  }

  function showDetail() {
    const id = model.get("selected"), ne = nodeEls[id];
    for (const e of Object.values(nodeEls)) e.grp.classList.toggle("nbt-selected", e === ne);
    if (!ne) { detail.textContent = "click a node to see its values"; return; }
    const n = ne.node, g = gradsAt(model.get("step")).grads[id];
    detail.textContent = `${n.label}${n.name ? " (" + n.name + ")" : ""}${n.module ? "  in " + n.module : ""}\n` +
      `value:\n${statsText(n.value)}\ngrad:\n${statsText(g)}`;
  }

  function go(k) { model.set("step", k); model.save_changes(); }
  bFirst.addEventListener("click", () => go((model.get("steps") || []).length ? 0 : -1));
  bPrev.addEventListener("click", () => go(Math.max(0, model.get("step") - 1)));
  bNext.addEventListener("click", () => { const k = model.get("step"), n = (model.get("steps") || []).length; if (n) go(Math.min(n - 1, k + 1)); });
  bLast.addEventListener("click", () => go(-1));
  model.on("change:graph", draw);
  model.on("change:steps", applyStep);
  model.on("change:step", applyStep);
  model.on("change:selected", showDetail);
  draw();
  return () => { model.off("change:graph", draw); model.off("change:steps", applyStep); model.off("change:step", applyStep); model.off("change:selected", showDetail); };
}

export default { render };
