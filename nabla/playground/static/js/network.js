// The network diagram: feature nodes (click to turn on or off), hidden units, the output, and the
// weights as lines (width: |w|, colour: sign, as in TensorFlow Playground). Every node shows what it
// computes over the data's domain; hovering a node shows it large in the output view.

import { decode, unit } from "./codec.js";
import { css, diverging } from "./colors.js";
import { drawThumb } from "./heatmap.js";

const INNER = 50; // resolution of a node's canvas

export class NetworkView {
  constructor(area, links, handlers) {
    this.area = area;
    this.links = links;
    this.handlers = handlers; // {toggleFeature(name), units(layer, delta), hover(node | null)}
    this.columns = [];
  }

  // Rebuild the diagram for a new network (state message) and the list of possible features.
  layout(state, allFeatures) {
    for (const el of [...this.area.children]) if (el !== this.links) el.remove();
    const dims = state.task.dims;
    const features = allFeatures.filter((name) => dims === 2 || !name.includes("x2"));
    const hidden = state.config.hidden;
    const width = Math.max(420, this.area.clientWidth);
    // Each column's nodes as large as its length allows: 30 px up to 9 units, smaller for more.
    const sizeOf = (count) => Math.max(5, Math.min(30, Math.floor(500 / (Math.max(count, 1) * 1.8))));
    const pitch = (count) => sizeOf(count) + Math.max(3, Math.round(sizeOf(count) * 0.8));
    const height = Math.max(300, ...[features.length, ...hidden].map((n) => n * pitch(n) + 60));
    this.area.style.height = `${height}px`;
    this.links.width = width;
    this.links.height = height;
    this.links.style.width = `${width}px`;
    this.links.style.height = `${height}px`;
    const left = 70;
    const right = width - 30 - 20;
    const xs = [left];
    for (let i = 0; i < hidden.length; i++) xs.push(left + ((right - left) * (i + 1)) / (hidden.length + 1));
    xs.push(right);
    const top = 40;
    const y = (i, count) => top + i * pitch(count);
    this.dims = dims;
    this.columns = [];
    // features
    const active = new Set(state.config.features);
    const size = sizeOf(features.length);
    const featureNodes = features.map((name, i) => {
      const on = active.has(name);
      const node = this._node(xs[0], y(i, features.length), size, `input${on ? "" : " off"}`, { kind: "feature", name });
      node.dataset.feature = name;
      node.addEventListener("click", () => this.handlers.toggleFeature(name));
      const label = document.createElement("div");
      label.className = "node-label";
      label.textContent = name;
      label.style.left = `${xs[0] - 64}px`;
      label.style.width = "58px";
      label.style.top = `${y(i, features.length) + size / 2 - 7}px`;
      this.area.append(label);
      return { node, name, on, x: xs[0], y: y(i, features.length), size };
    });
    const pictures = new Map(state.features.map((f) => [f.name, f.picture]));
    for (const f of featureNodes) {
      if (pictures.has(f.name)) this._paint(f.node, this._values(pictures.get(f.name)), pictures.get(f.name));
    }
    this.columns.push(featureNodes.filter((f) => f.on));
    // hidden layers, with their + / - controls
    hidden.forEach((units, layer) => {
      const column = [];
      const unitSize = sizeOf(units);
      for (let i = 0; i < units; i++) {
        const at = y(i, units);
        const node = this._node(xs[layer + 1], at, unitSize, "hidden", { kind: "hidden", layer, unit: i });
        column.push({ node, x: xs[layer + 1], y: at, size: unitSize, bias: this._bias(xs[layer + 1], at, unitSize) });
      }
      this.columns.push(column);
      const control = document.createElement("div");
      control.className = "unit-control";
      control.style.left = `${xs[layer + 1] - 18}px`;
      control.style.top = "4px";
      const plus = this._button("+", () => this.handlers.units(layer, +1), units >= state.limits.units);
      const minus = this._button("−", () => this.handlers.units(layer, -1), units <= 1);
      const text = document.createElement("span");
      text.textContent = `${units} unit${units === 1 ? "" : "s"}`;
      control.append(plus, minus, text);
      this.area.append(control);
    });
    // output
    const out = this._node(right, top, 30, "output", { kind: "output" });
    this.columns.push([{ node: out, x: right, y: top, size: 30, bias: this._bias(right, top, 30) }]);
    this.outputNode = out;
  }

  _button(text, onClick, disabled) {
    const b = document.createElement("button");
    b.className = "tiny";
    b.textContent = text;
    b.disabled = disabled;
    b.addEventListener("click", onClick);
    return b;
  }

  _node(x, y, size, kind, info) {
    const node = document.createElement("div");
    node.className = `node ${kind}`;
    Object.assign(node.style, { left: `${x}px`, top: `${y}px`, width: `${size}px`, height: `${size}px` });
    const canvas = document.createElement("canvas");
    canvas.width = INNER;
    canvas.height = INNER;
    node.append(canvas);
    node.addEventListener("mouseenter", (e) => this.handlers.hover({ ...info, node, event: e }));
    node.addEventListener("mouseleave", () => this.handlers.hover(null));
    this.area.append(node);
    return node;
  }

  _bias(x, y, size) {
    if (size < 14) return null; // too small a unit to mark its bias beside it
    const bias = document.createElement("div");
    bias.className = "bias";
    bias.style.left = `${x - 7}px`;
    bias.style.top = `${y + size - 6}px`;
    this.area.append(bias);
    return bias;
  }

  _values(array) {
    return array.dtype === "u8" ? unit(decode(array)) : decode(array);
  }

  _paint(node, values, array) {
    const n = this.dims === 2 ? array.shape[array.shape.length - 1] : values.length;
    drawThumb(node.querySelector("canvas"), values, this.dims, n);
  }

  // Update the pictures, biases and weights from a frame; `outputImage` is the output's picture.
  update(frame, outputImage, outputCurve) {
    frame.nodes.forEach((array, layer) => {
      const values = this._values(array);
      const per = values.length / array.shape[0];
      const n = array.shape[array.shape.length - 1];
      this.columns[layer + 1].forEach((unitNode, i) => {
        const slice = values.subarray(i * per, (i + 1) * per);
        drawThumb(unitNode.node.querySelector("canvas"), slice, this.dims, n);
        unitNode.values = slice;
        unitNode.resolution = n;
      });
    });
    const out = this.outputNode.querySelector("canvas");
    if (outputImage) {
      if (out.width !== INNER) out.width = out.height = INNER;
      const ctx = out.getContext("2d");
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(outputImage, 0, 0, out.width, out.height);
    } else if (outputCurve) {
      drawThumb(out, outputCurve, 1, outputCurve.length);
    }
    const weights = frame.weights.map(([k, b]) => [decode(k), k.shape, decode(b)]);
    weights.forEach(([, , bias], layer) => {
      this.columns[layer + 1].forEach((unitNode, i) => {
        if (unitNode.bias) unitNode.bias.style.background = css(diverging(bias[i]));
        unitNode.biasValue = bias[i];
      });
    });
    this._links(weights);
  }

  _links(weights) {
    const ctx = this.links.getContext("2d");
    ctx.clearRect(0, 0, this.links.width, this.links.height);
    const busiest = Math.max(...this.columns.map((c) => c.length));
    const thin = Math.min(1, 10 / busiest);
    weights.forEach(([kernel, shape], layer) => {
      const from = this.columns[layer];
      const to = this.columns[layer + 1];
      const [n_in, n_out] = shape;
      for (let i = 0; i < n_in; i++) {
        for (let j = 0; j < n_out; j++) {
          const w = kernel[i * n_out + j];
          const a = from[i];
          const b = to[j];
          if (!a || !b) continue;
          const sizeA = a.size;
          const sizeB = b.size;
          ctx.beginPath();
          const x0 = a.x + sizeA;
          const y0 = a.y + sizeA / 2;
          const x1 = b.x;
          const y1 = b.y + sizeB / 2;
          ctx.moveTo(x0, y0);
          ctx.bezierCurveTo((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1, y1);
          ctx.lineWidth = Math.max(0.5, Math.min(10, 1 + (9 * Math.abs(w)) / 5) * thin);
          ctx.strokeStyle = css(diverging(w), 0.75);
          ctx.stroke();
        }
      }
    });
  }

  // What a hovered node shows large: its values over the domain (null for the output).
  picture(info) {
    if (info.kind === "hidden") {
      const unitNode = this.columns[info.layer + 1][info.unit];
      return unitNode.values ? { values: unitNode.values, n: unitNode.resolution, bias: unitNode.biasValue } : null;
    }
    return null;
  }
}
