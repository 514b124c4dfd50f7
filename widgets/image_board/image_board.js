// ImageBoard: SummaryWriter's images (PNG bytes -> blob URL), histograms and text. Tags are text only.
function render({ model, el }) {
  const root = h("div", { class: "nbt-root nbt-board", "data-view": "image-board" });
  el.appendChild(root);
  const imgs = h("div", { class: "nbt-images" }), hists = h("div", { class: "nbt-hists" }), texts = h("div", { class: "nbt-texts" });
  root.append(imgs, hists, texts);
  let urls = [];

  function drawImages() {
    for (const u of urls) URL.revokeObjectURL(u);
    urls = []; clear(imgs);
    for (const im of model.get("images") || []) {
      const d = im.png;
      const bytes = new Uint8Array(d.buffer ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : d);
      const url = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
      urls.push(url);
      const scale = Math.max(1, Math.floor(240 / Math.max(im.width, im.height)));
      imgs.append(h("figure", { class: "nbt-figure", "data-tag": im.tag, "data-step": im.step, "data-n": im.n },
        h("img", { src: url, width: im.width * scale, height: im.height * scale, class: "nbt-grid-img", alt: im.tag }),
        h("figcaption", {}, `${im.tag} · step ${im.step} · ${im.n} image(s)`)));
    }
    root.setAttribute("data-images", (model.get("images") || []).length);
  }

  function drawHists() {
    clear(hists);
    const W = 300, H = 120;
    for (const hg of model.get("histograms") || []) {
      const c = unpack(hg.counts), e = unpack(hg.edges);
      const [S, B] = c.shape;
      let lo = Infinity, hi = -Infinity, cmax = 0;
      for (const v of e.values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      for (const v of c.values) cmax = Math.max(cmax, v);
      const X = (v) => 4 + (v - lo) / ((hi - lo) || 1) * (W - 8), Y = (v) => H - 16 - v / (cmax || 1) * (H - 24);
      const svg = s("svg", { width: W, height: H, class: "nbt-hist", "data-tag": hg.tag, "data-steps": S });
      for (let k = 0; k < S; k++) {
        let d = "";
        for (let b = 0; b < B; b++) {
          const x0 = X(e.values[k * (B + 1) + b]), x1 = X(e.values[k * (B + 1) + b + 1]), y = Y(c.values[k * B + b]);
          d += (d ? " L" : "M") + x0 + " " + y + " L" + x1 + " " + y;
        }
        svg.append(s("path", { d, class: "nbt-hist-line", opacity: (k + 1) / S, "stroke-width": k === S - 1 ? 2 : 1 }));
      }
      svg.append(s("text", { x: 4, y: H - 2, class: "nbt-tick" }, fmt(lo, 3)), s("text", { x: W - 4, y: H - 2, "text-anchor": "end", class: "nbt-tick" }, fmt(hi, 3)));
      hists.append(h("figure", { class: "nbt-figure" }, svg, h("figcaption", {}, `${hg.tag} · steps ${hg.steps.join(", ")}`)));
    }
  }

  function drawTexts() {
    clear(texts);
    for (const t of model.get("texts") || []) texts.append(h("div", { class: "nbt-text", "data-tag": t.tag }, h("b", {}, `${t.tag} (step ${t.step}): `), t.text));
  }

  model.on("change:images", drawImages); model.on("change:histograms", drawHists); model.on("change:texts", drawTexts);
  drawImages(); drawHists(); drawTexts();
  return () => {
    for (const u of urls) URL.revokeObjectURL(u);
    model.off("change:images", drawImages); model.off("change:histograms", drawHists); model.off("change:texts", drawTexts);
  };
}

export default { render };
