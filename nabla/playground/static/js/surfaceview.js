// The loss surface of a two-weight model and each optimizer's path over it (see surface.py). The
// colour is the loss on a log scale, in bands, so that its level lines show; the paths are drawn
// step by step. Clicking the surface starts the optimizers from there.

import { decode } from "./codec.js";
import { css, sequential } from "./colors.js";

const COLOURS = { sgd: "#e41a1c", momentum: "#ff7f00", rmsprop: "#4daf4a", adagrad: "#984ea3", adam: "#111111" };
const NAMES = { sgd: "SGD", momentum: "SGD + momentum", rmsprop: "RMSprop", adagrad: "Adagrad", adam: "Adam" };
const BANDS = 14;

export class SurfaceView {
  constructor(canvas, legend, caption, pick) {
    this.canvas = canvas;
    this.legend = legend;
    this.caption = caption;
    canvas.addEventListener("click", (e) => {
      if (!this.data) return;
      const r = canvas.getBoundingClientRect();
      const [low, high] = this.data.bounds;
      const w1 = low + ((e.clientX - r.left) / r.width) * (high - low);
      const w2 = high - ((e.clientY - r.top) / r.height) * (high - low);
      pick([Number(w1.toFixed(3)), Number(w2.toFixed(3))]);
    });
  }

  show(data, current) {
    this.data = data;
    this.current = current;
    const values = decode(data.surface);
    const n = data.surface.shape[0];
    const logs = Array.from(values, (v) => Math.log(Math.max(v, 1e-12)));
    const low = Math.min(...logs);
    const high = Math.max(...logs);
    const off = document.createElement("canvas");
    off.width = off.height = n;
    const ctx = off.getContext("2d");
    const image = ctx.createImageData(n, n);
    logs.forEach((v, i) => {
      const t = (v - low) / Math.max(high - low, 1e-12);
      const band = Math.floor(t * BANDS) / BANDS;  // NOTE: bands make the level lines visible
      const c = sequential(0.15 + 0.85 * band);
      image.data.set([c[0], c[1], c[2], 255], 4 * i);
    });
    ctx.putImageData(image, 0, 0);
    this.background = off;
    this.caption.textContent = `The model ${data.formula}, ${data.loss} on the training points (×: its minimum); ` +
      `learning rate ${data.lr}, batch size ${data.batch_size}, ${data.steps} steps.`;
    this.legend.textContent = "";
    for (const path of data.paths) {
      const item = document.createElement("div");
      const line = document.createElement("span");
      line.className = "line";
      line.style.background = COLOURS[path.optimizer];
      const last = path.losses[path.losses.length - 1];
      item.append(line, `${NAMES[path.optimizer]}${path.optimizer === current ? " (training uses it)" : ""}: ` +
        (path.diverged ? "diverged" : `loss ${last.toFixed(4)}`));
      this.legend.append(item);
    }
    this.animate();
  }

  animate() {
    cancelAnimationFrame(this.raf);
    const longest = Math.max(...this.data.paths.map((p) => p.points.length));
    let shown = 1;
    const tick = () => {
      shown = Math.min(longest, shown + Math.max(1, Math.round(longest / 60)));
      this.draw(shown);
      if (shown < longest) this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  draw(upto) {
    const { canvas, data } = this;
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.background, 0, 0, canvas.width, canvas.height);
    const [low, high] = data.bounds;
    const px = (w) => ((w - low) / (high - low)) * canvas.width;
    const py = (w) => ((high - w) / (high - low)) * canvas.height;
    ctx.strokeStyle = "rgba(255,255,255,.6)";
    ctx.beginPath();
    ctx.moveTo(px(0), 0);
    ctx.lineTo(px(0), canvas.height);
    ctx.moveTo(0, py(0));
    ctx.lineTo(canvas.width, py(0));
    ctx.stroke();
    for (const path of data.paths) {
      ctx.beginPath();
      path.points.slice(0, upto).forEach(([a, b], i) => (i ? ctx.lineTo(px(a), py(b)) : ctx.moveTo(px(a), py(b))));
      ctx.strokeStyle = COLOURS[path.optimizer];
      ctx.lineWidth = path.optimizer === this.current ? 3 : 1.8;
      ctx.stroke();
    }
    const [m1, m2] = data.minimum;  // the lowest loss: a cross
    ctx.beginPath();
    ctx.moveTo(px(m1) - 6, py(m2) - 6);
    ctx.lineTo(px(m1) + 6, py(m2) + 6);
    ctx.moveTo(px(m1) + 6, py(m2) - 6);
    ctx.lineTo(px(m1) - 6, py(m2) + 6);
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 2.5;
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(px(data.start[0]), py(data.start[1]), 5, 0, 2 * Math.PI);
    ctx.fillStyle = css([255, 255, 255]);
    ctx.fill();
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.fillStyle = "#fff";
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillText("w1 →", canvas.width - 36, py(0) - 4);
    ctx.fillText("w2 ↑", px(0) + 4, 12);
  }
}
