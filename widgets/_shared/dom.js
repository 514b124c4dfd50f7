// Shared helpers for nbtorch's views (prepended to every view's module by nbtorch/widgets/_assets.py).
// Rule: user strings (metric names, tags, module names) only ever reach the page as TEXT:
// createTextNode / textContent. Nothing here or in any view assigns HTML markup.
const SVG_NS = "http://www.w3.org/2000/svg";

function _fill(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (/^on/i.test(k)) throw new Error("nbtorch views never set event-handler attributes");
    node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
  return node;
}

// h("div", {class: "x"}, "text", child) -> HTMLElement; strings become text nodes
function h(tag, attrs, ...children) { return _fill(document.createElement(tag), attrs, children); }
// s("rect", {...}) -> SVG element
function s(tag, attrs, ...children) { return _fill(document.createElementNS(SVG_NS, tag), attrs, children); }

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

const _CTORS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, bool: Uint8Array,
};

// {dtype, shape, data: DataView|ArrayBuffer} -> {values: TypedArray, shape}
function unpack(p) {
  if (!p) return { values: new Float64Array(0), shape: [0] };
  const d = p.data;
  const buf = d.buffer ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : d;
  let values;
  if (p.dtype === "int64") values = Float64Array.from(new BigInt64Array(buf), Number);
  else values = new (_CTORS[p.dtype] || Float64Array)(buf);
  return { values, shape: p.shape };
}

function bufToF64(d) {
  const buf = d.buffer ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : d;
  return new Float64Array(buf);
}

// short number format for boxes and grids
function fmt(v, digits = 3) {
  if (v === null || v === undefined) return "";
  if (typeof v !== "number") return String(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(Math.max(0, digits - 1));
  return String(Number(v.toFixed(digits)));
}

// "nice" axis ticks between lo and hi
function ticks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw) || raw;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

// blue (neg) - white - red (pos) colour for heatmaps; t in [-1, 1]
function diverging(t) {
  t = Math.max(-1, Math.min(1, t || 0));
  const c = (a, b) => Math.round(a + (b - a) * Math.abs(t));
  return t >= 0 ? `rgb(255,${c(255, 80)},${c(255, 60)})` : `rgb(${c(255, 50)},${c(255, 110)},255)`;
}
