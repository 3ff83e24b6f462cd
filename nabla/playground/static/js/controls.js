// The page's settings: the selects and sliders, the dataset tiles, and the shareable URL.
// The whole setup (and the seed) lives in the URL's hash, as TensorFlow Playground keeps it, so a
// link reproduces what the class saw.

import { classColor, css, diverging } from "./colors.js";

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const DROPOUTS = [0, 0.1, 0.2, 0.3, 0.5];
const EPOCHS_PER_FRAME = [1, 2, 5, 10, 25, 50, 100];
const LABELS = {
  optimizer: { sgd: "SGD", momentum: "SGD + momentum 0.9", rmsprop: "RMSprop", adagrad: "Adagrad", adam: "Adam" },
  regularization: { none: "None", l1: "L1", l2: "L2" },
  output: {
    auto: "chosen by the task",
    sigmoid: "sigmoid + binary cross-entropy",
    softmax: "softmax + cross-entropy",
    tanh_mse: "tanh + squared error (TF Playground's)",
    linear: "linear + squared error",
  },
  activation: { relu: "ReLU", leaky_relu: "leaky ReLU", elu: "ELU", gelu: "GELU" },
};
const LISTS = ["hidden", "features"];
const VIEW_KEYS = ["showTest", "discretize"]; // page-only settings kept in the link too
const SLIDERS = ["train_ratio", "noise", "points", "classes", "batch_size"];

function fillSelect(select, values, labels = {}) {
  select.textContent = "";
  for (const v of values) {
    const option = document.createElement("option");
    option.value = String(v);
    option.textContent = labels[v] || String(v);
    select.append(option);
  }
}

function choose(select, value) {
  const text = String(value);
  if (![...select.options].some((o) => o.value === text)) {
    const option = document.createElement("option");
    option.value = option.textContent = text;
    select.append(option);
  }
  select.value = text;
}

// The setup (server fields and page fields) from the URL's hash; {} when there is none.
export function parseHash(hash) {
  const out = {};
  for (const part of hash.replace(/^#/, "").split("&")) {
    if (!part) continue;
    const [key, raw = ""] = part.split("=").map(decodeURIComponent);
    if (LISTS.includes(key)) {
      out[key] = raw === "" ? [] : raw.split(",").map((v) => (key === "hidden" ? Number(v) : v));
    } else if (VIEW_KEYS.includes(key)) {
      out[key] = raw === "1" || raw === "true";
    } else if (raw !== "" && !Number.isNaN(Number(raw)) && key !== "dataset") {
      out[key] = Number(raw);
    } else {
      out[key] = raw;
    }
  }
  return out;
}

export function toHash(config, view) {
  const parts = Object.entries(config).map(([k, v]) => `${k}=${encodeURIComponent(Array.isArray(v) ? v.join(",") : v)}`);
  for (const k of VIEW_KEYS) parts.push(`${k}=${view[k] ? 1 : 0}`);
  return "#" + parts.join("&");
}

// Split the page's setup into the server's config and the page's view options.
export function splitSetup(setup) {
  const config = {};
  const view = {};
  for (const [k, v] of Object.entries(setup)) (VIEW_KEYS.includes(k) ? view : config)[k] = v;
  return { config, view };
}

export class Controls {
  // hello: the server's first message; change(patch): called with the fields the user changed.
  constructor(hello, change) {
    this.hello = hello;
    this.change = change;
    const $ = (id) => document.getElementById(id);
    this.el = $;
    fillSelect($("lr"), LEARNING_RATES);
    fillSelect($("activation"), hello.choices.activation, LABELS.activation);
    fillSelect($("optimizer"), hello.choices.optimizer, LABELS.optimizer);
    fillSelect($("regularization"), hello.choices.regularization, LABELS.regularization);
    fillSelect($("reg_rate"), REG_RATES);
    fillSelect($("dropout"), DROPOUTS);
    fillSelect($("output"), hello.choices.output, LABELS.output);
    fillSelect($("epochs_per_frame"), EPOCHS_PER_FRAME);
    const numbers = ["lr", "reg_rate", "dropout", "epochs_per_frame"];
    for (const id of ["lr", "activation", "optimizer", "regularization", "reg_rate", "dropout", "output", "epochs_per_frame"]) {
      $(id).addEventListener("change", (e) => {
        const v = e.target.value;
        this.change({ [id]: numbers.includes(id) ? Number(v) : v });
      });
    }
    for (const id of SLIDERS) {
      const input = $(id);
      input.addEventListener("input", () => this._label(id, Number(input.value)));
      input.addEventListener("change", () => this.change({ [id]: Number(input.value) }));
    }
    this._tiles(hello.datasets);
  }

  _label(id, value) {
    const text = id === "train_ratio" ? `${value}%` : String(value);
    this.el(`${id}-value`).textContent = text;
  }

  _tiles(datasets) {
    const box = this.el("datasets");
    box.textContent = "";
    this.tiles = new Map();
    for (const d of datasets) {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 96;
      canvas.title = d.label;
      canvas.dataset.dataset = d.name;
      drawPreview(canvas, d);
      canvas.addEventListener("click", () => {
        const patch = { dataset: d.name };
        if (d.noise !== null) patch.noise = d.noise;
        const names = ["x1", "x2"].filter((n) => d.dims === 2 || n === "x1");
        patch.features = names;
        this.change(patch);
      });
      box.append(canvas);
      this.tiles.set(d.name, canvas);
    }
  }

  // Show `config` (the server's echo) in every control; `state` bounds the batch size by the training set.
  show(config, state) {
    const $ = this.el;
    for (const id of ["lr", "activation", "optimizer", "regularization", "reg_rate", "dropout", "output", "epochs_per_frame"]) {
      choose($(id), config[id]);
    }
    for (const id of SLIDERS) {
      const input = $(id);
      if (id === "batch_size" && state) input.max = String(state.n_train);
      input.value = String(config[id]);
      this._label(id, config[id]);
    }
    if (state && config.batch_size > state.n_train) this._label("batch_size", `${state.n_train} (all)`);
    for (const [name, tile] of this.tiles) tile.classList.toggle("selected", name === config.dataset);
    const recipe = this.hello.datasets.find((d) => d.name === config.dataset);
    $("classes-row").style.display = recipe && recipe.uses_classes ? "" : "none";
    $("noise").disabled = !recipe || recipe.noise === null;
    $("points").disabled = !recipe;
    const n = config.hidden.length;
    $("layers-label").textContent = `${n} hidden layer${n === 1 ? "" : "s"}`;
    $("add-layer").disabled = n >= this.hello.limits.hidden_layers;
    $("remove-layer").disabled = n === 0;
  }
}

// A dataset's thumbnail: its preview points on white.
function drawPreview(canvas, d) {
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const xs = d.preview.x;
  const ys = d.preview.y;
  const first = xs.map((p) => p[0]);
  const second = d.dims === 2 ? xs.map((p) => p[1]) : ys;
  const range = (v) => [Math.min(...v), Math.max(...v)];
  const [a0, a1] = range(first);
  const [b0, b1] = range(second);
  const [v0, v1] = range(ys);
  for (let i = 0; i < xs.length; i++) {
    const px = 6 + ((canvas.width - 12) * (first[i] - a0)) / (a1 - a0 || 1);
    const py = canvas.height - 6 - ((canvas.height - 12) * (second[i] - b0)) / (b1 - b0 || 1);
    ctx.beginPath();
    ctx.arc(px, py, 3, 0, 2 * Math.PI);
    ctx.fillStyle =
      d.task === "classification" ? classColor(ys[i]) : css(diverging((2 * (ys[i] - v0)) / (v1 - v0 || 1) - 1));
    ctx.fill();
  }
}
