// The step view: one mini-batch's computational graph as nabla recorded it (see graph.py). Each box is
// a tensor: the operation (or the weight's or input's name), its shape, its value and, below, the
// gradient of the loss with respect to it. The backward pass can be replayed node by node, from the
// loss back to the weights, as the course draws it on the board.

import { css, diverging } from "./colors.js";

const CELL = 6;
const COLUMN_GAP = 46;
const ROW_GAP = 12;

function matrix(values) {
  // values: a number, a list, or a list of lists -> rows of numbers
  if (!Array.isArray(values)) return [[values]];
  if (!Array.isArray(values[0])) return [values];
  return values;
}

function mini(values) {
  const rows = matrix(values);
  const canvas = document.createElement("canvas");
  canvas.width = rows[0].length * CELL;
  canvas.height = rows.length * CELL;
  const ctx = canvas.getContext("2d");
  const scale = Math.max(1e-12, ...rows.flat().map(Math.abs));
  rows.forEach((row, r) =>
    row.forEach((v, c) => {
      ctx.fillStyle = css(diverging(v / scale));
      ctx.fillRect(c * CELL, r * CELL, CELL, CELL);
    }),
  );
  return canvas;
}

function number(v) {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(4);
}

function row(part, kind) {
  const div = document.createElement("div");
  div.className = kind === "grad" ? "gradrow" : "valuerow";
  if (part.shape.length === 0) {
    const span = document.createElement("span");
    span.className = `num ${kind}`;
    span.textContent = `${kind === "grad" ? "∂L/∂ " : ""}${number(part.values)}`;
    div.append(span);
  } else {
    div.append(mini(part.values));
  }
  return div;
}

function table(part) {
  const rows = matrix(part.values).map((r) => r.map((v) => number(v).padStart(11)).join(" "));
  return `shape ${JSON.stringify(part.shape)}, norm ${number(part.norm)}\n${rows.join("\n")}`;
}

export class StepView {
  constructor(container, detail) {
    this.container = container;
    this.detail = detail;
    this.timer = null;
  }

  show(graph) {
    this.graph = graph;
    this.container.textContent = "";
    this.detail.textContent = "";
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    this.container.append(svg);
    this.boxes = new Map();
    // The main chain (from the input x to the loss) runs along the top; an operation sits at its depth, a
    // weight or an input in the column before the operation that uses it (on the main chain if it can).
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const users = new Map(graph.nodes.map((n) => [n.id, []]));
    for (const node of graph.nodes) for (const input of node.inputs) users.get(input).push(node);
    const main = new Set();
    const reach = (id) => {
      if (main.has(id)) return;
      main.add(id);
      for (const u of users.get(id)) reach(u.id);
    };
    const start = graph.nodes.find((n) => n.label === "x");
    if (start) reach(start.id);
    const above = new Set();
    const climb = (id) => {
      if (above.has(id)) return;
      above.add(id);
      for (const i of byId.get(id).inputs) climb(i);
    };
    climb(graph.nodes[graph.nodes.length - 1].id);
    for (const id of [...main]) if (!above.has(id)) main.delete(id);
    const column = (n) => {
      if (n.inputs.length || !users.get(n.id).length) return n.depth;
      const used = users.get(n.id);
      const preferred = used.filter((u) => main.has(u.id));
      return Math.min(...(preferred.length ? preferred : used).map((u) => u.depth)) - 1;
    };
    const rank = (n) => (main.has(n.id) ? 0 : n.kind === "op" ? 2 : 1);
    const columns = [];
    for (const node of graph.nodes) (columns[column(node)] ||= []).push(node);
    for (const c of columns) c?.sort((a, b) => rank(a) - rank(b));
    let x = 4;
    let height = 0;
    for (const nodes of columns) {
      if (!nodes) continue;
      let y = 4;
      let width = 0;
      for (const node of nodes) {
        const box = document.createElement("div");
        box.className = `gnode ${node.kind}`;
        box.dataset.id = node.id;
        const title = document.createElement("div");
        title.className = "title";
        title.textContent = node.label;
        const shape = document.createElement("div");
        shape.className = "shape";
        shape.textContent = node.value.shape.length ? node.value.shape.join("×") : "scalar";
        box.append(title, shape, row(node.value, "value"));
        if (node.grad) box.append(row(node.grad, "grad"));
        box.addEventListener("click", () => this.describe(node));
        box.style.left = `${x}px`;
        box.style.top = `${y}px`;
        this.container.append(box);
        this.boxes.set(node.id, box);
        width = Math.max(width, box.offsetWidth);
        y += box.offsetHeight + ROW_GAP;
      }
      height = Math.max(height, y);
      x += width + COLUMN_GAP;
    }
    this.container.style.height = `${height + 8}px`;
    svg.setAttribute("width", x);
    svg.setAttribute("height", height + 8);
    for (const node of graph.nodes) {
      const to = this.boxes.get(node.id);
      for (const input of node.inputs) {
        const from = this.boxes.get(input);
        const x0 = from.offsetLeft + from.offsetWidth;
        const y0 = from.offsetTop + 10;
        const x1 = to.offsetLeft;
        const y1 = to.offsetTop + 10;
        const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
        path.setAttribute("d", `M${x0},${y0} C${(x0 + x1) / 2},${y0} ${(x0 + x1) / 2},${y1} ${x1},${y1}`);
        path.setAttribute("fill", "none");
        path.setAttribute("stroke", "#9aa");
        path.setAttribute("stroke-width", "1.2");
        svg.append(path);
      }
    }
    this.revealAll();
  }

  describe(node) {
    const lines = [`${node.label}${node.formula && node.formula !== node.label ? `  (${node.formula})` : ""}`];
    lines.push(`value: ${table(node.value)}`);
    if (node.grad) lines.push(`gradient of the loss: ${table(node.grad)}`);
    if (this.graph.batch > this.graph.rows_shown) {
      lines.push(`(the first ${this.graph.rows_shown} of the batch's ${this.graph.batch} samples are shown)`);
    }
    this.detail.textContent = lines.join("\n\n");
  }

  revealAll() {
    clearInterval(this.timer);
    for (const box of this.boxes.values()) {
      box.classList.remove("current");
      box.querySelector(".gradrow")?.classList.add("shown");
    }
  }

  // Hide every gradient, then show them one node at a time, from the loss back to the inputs.
  animate() {
    if (!this.graph) return;
    clearInterval(this.timer);
    for (const box of this.boxes.values()) box.querySelector(".gradrow")?.classList.remove("shown");
    const order = [...this.graph.backward_order];
    let previous = null;
    this.timer = setInterval(() => {
      previous?.classList.remove("current");
      const id = order.shift();
      if (id === undefined) {
        clearInterval(this.timer);
        return;
      }
      const box = this.boxes.get(id);
      box.classList.add("current");
      box.querySelector(".gradrow")?.classList.add("shown");
      previous = box;
    }, 350);
  }
}
