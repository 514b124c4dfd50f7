// Playground: decision boundary + data points; Play sends one "tick" at a time and waits for the
// kernel's "tock" before the next, so the lr slider and Pause stay responsive.
const CLASS_COLORS = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189]];
const SIZE = 320;

function render({ model, el }) {
  const root = h("div", { class: "nbt-root nbt-playground", "data-view": "playground", "data-lm-suppress-shortcuts": "true" });
  el.appendChild(root);
  const play = h("button", { class: "nbt-play" }, "▶ Play");
  const stepB = h("button", { class: "nbt-step" }, "Step");
  const lr = h("input", { type: "range", min: "-4", max: "0.5", step: "0.05", class: "nbt-lr" });
  const lrText = h("span", { class: "nbt-muted" });
  const status = h("span", { class: "nbt-status" });
  root.append(h("div", { class: "nbt-controls" }, play, stepB, h("label", {}, " lr ", lr), lrText, " ", status));
  const svg = s("svg", { width: SIZE, height: SIZE, class: "nbt-pg-svg" });
  const gB = s("g"), gP = s("g");
  svg.append(gB, gP);
  root.append(svg);
  let playing = false, waiting = false, cells = [];

  function bx() { const [x0, x1, y0, y1] = model.get("bounds"); return { X: (x) => (x - x0) / (x1 - x0) * SIZE, Y: (y) => SIZE - (y - y0) / (y1 - y0) * SIZE }; }

  function drawPoints() {
    clear(gP);
    const p = unpack(model.get("points")), l = unpack(model.get("labels")).values;
    const { X, Y } = bx();
    for (let i = 0; i < l.length; i++) {
      const c = CLASS_COLORS[l[i] % CLASS_COLORS.length];
      gP.append(s("circle", { cx: X(p.values[2 * i]), cy: Y(p.values[2 * i + 1]), r: 3, fill: `rgb(${c})`, stroke: "#fff", "stroke-width": 0.8 }));
    }
    root.setAttribute("data-points", l.length);
  }

  function drawBoundary() {
    const b = model.get("boundary");
    if (!b || !b.cls) return;
    const cls = unpack(b.cls), conf = unpack(b.conf).values;
    const [G] = cls.shape, w = SIZE / G;
    if (cells.length !== G * G) {
      clear(gB); cells = [];
      for (let r = 0; r < G; r++) for (let c = 0; c < G; c++) {
        const rect = s("rect", { x: c * w, y: SIZE - (r + 1) * w, width: w + 0.5, height: w + 0.5 });
        gB.append(rect); cells.push(rect);
      }
    }
    for (let k = 0; k < G * G; k++) {
      const col = CLASS_COLORS[cls.values[k] % CLASS_COLORS.length], a = 0.15 + 0.5 * Math.max(0, (conf[k] - 0.5) * 2);
      cells[k].setAttribute("fill", `rgba(${col},${a.toFixed(2)})`);
    }
  }

  function syncStatus() {
    const acc = model.get("accuracy");
    status.textContent = `step ${model.get("step_count")} · loss ${fmt(model.get("loss"), 4)} · accuracy ${fmt(acc * 100, 1)}%`;
    lr.value = String(Math.log10(model.get("lr")));
    lrText.textContent = " " + fmt(model.get("lr"), 4);
    root.setAttribute("data-step", model.get("step_count"));
    root.setAttribute("data-playing", playing ? "1" : "0");
  }

  function tick() {
    if (!playing || waiting) return;
    waiting = true;
    model.send({ type: "tick" });
  }
  function onMsg(msg) {
    if (!msg || msg.type !== "tock") return;
    waiting = false;
    if (playing) setTimeout(tick, 50);
  }
  play.addEventListener("click", () => {
    playing = !playing; play.textContent = playing ? "⏸ Pause" : "▶ Play"; syncStatus();
    if (playing) tick();
  });
  stepB.addEventListener("click", () => { if (!waiting) { waiting = true; model.send({ type: "tick" }); } });
  lr.addEventListener("change", () => { model.set("lr", Number(Math.pow(10, Number(lr.value)).toPrecision(3))); model.save_changes(); });

  model.on("msg:custom", onMsg);
  model.on("change:boundary", drawBoundary);
  model.on("change:points", drawPoints);
  for (const k of ["step_count", "loss", "accuracy", "lr"]) model.on("change:" + k, syncStatus);
  drawBoundary(); drawPoints(); syncStatus();
  return () => {
    playing = false;
    model.off("msg:custom", onMsg); model.off("change:boundary", drawBoundary); model.off("change:points", drawPoints);
    for (const k of ["step_count", "loss", "accuracy", "lr"]) model.off("change:" + k, syncStatus);
  };
}

export default { render };
