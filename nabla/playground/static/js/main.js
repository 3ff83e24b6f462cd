// nabla playground's page: talks to the server over a WebSocket (see nabla/playground/protocol.py)
// and draws what it sends. The network trains on the server, in nabla; this page only shows it.

import { LossChart } from "./chart.js";
import { decode, unit } from "./codec.js";
import { Controls, parseHash, splitSetup, toHash } from "./controls.js";
import { drawField, legend, outputImage, unitImage } from "./heatmap.js";
import { NetworkView } from "./network.js";
import { StepView } from "./stepview.js";
import { SurfaceView } from "./surfaceview.js";

const $ = (id) => document.getElementById(id);
const MAX_UPLOAD = 1_000_000;

// Everything the page knows; window.nablaPlayground for the curious (and the tests).
const app = {
  hello: null,
  config: null,
  view: { showTest: false, discretize: false },
  state: null,
  frame: null,
  playing: false,
  hovered: null,
  surfaceStart: [-3, 2],
  frames: 0, // frames drawn
  received: 0, // the number of the last frame received
};
window.nablaPlayground = app;

let socket;
let controls;
let pending = null;
let scheduled = false;
const chart = new LossChart($("chart"));
const stepView = new StepView($("graph"), $("graph-detail"));
const surfaceView = new SurfaceView($("surface"), $("surface-legend"), $("surface-model"), (start) => {
  app.surfaceStart = start;
  requestSurface();
});
const network = new NetworkView($("network"), $("links"), {
  toggleFeature(name) {
    const on = new Set(app.config.features);
    if (on.has(name) && on.size === 1) return showMessage("keep at least one feature: the network needs an input");
    on.has(name) ? on.delete(name) : on.add(name);
    change({ features: app.hello.choices.features.filter((f) => on.has(f)) });
  },
  units(layer, delta) {
    const hidden = [...app.config.hidden];
    hidden[layer] = Math.max(1, hidden[layer] + delta);
    change({ hidden });
  },
  hover(info) {
    app.hovered = info;
    tooltip(info);
    drawBig();
  },
});

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function showMessage(text) {
  const box = $("message");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(showMessage.timer);
  showMessage.timer = setTimeout(() => (box.hidden = true), 6000);
}

// Send the setup with `patch` applied; the server answers with a new state (or "applied").
function change(patch) {
  const config = { ...app.config, ...patch };
  const recipe = app.hello.datasets.find((d) => d.name === config.dataset);
  if (patch.dataset && recipe && recipe.dims === 1) {
    const kept = config.features.filter((f) => !f.includes("x2"));
    config.features = kept.length ? kept : ["x1"];
  }
  send({ type: "config", config });
}

function updateHash() {
  const hash = toHash(app.config, app.view);
  history.replaceState(null, "", hash);
  $("share-link").value = location.href;
}

function pad(n) {
  return String(n).padStart(6, "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function tooltip(info) {
  const tip = $("tooltip");
  if (!info) {
    tip.hidden = true;
    return;
  }
  let text = "";
  if (info.kind === "feature") text = `input ${info.name}: click to turn it ${app.config.features.includes(info.name) ? "off" : "on"}`;
  if (info.kind === "hidden") {
    const picture = network.picture(info);
    text = `layer ${info.layer + 1}, unit ${info.unit + 1}` + (picture ? `, bias ${picture.bias.toFixed(3)}` : "");
  }
  if (info.kind === "output") text = "the output: what the network predicts";
  tip.textContent = text;
  const r = info.node.getBoundingClientRect();
  tip.style.left = `${r.right + 6}px`;
  tip.style.top = `${r.top}px`;
  tip.hidden = false;
}

// The big view: the output (or the hovered unit or feature) over the domain, with the points.
// `image`: the output's picture when the caller has made it already.
function drawBig(image = null) {
  const { state, frame } = app;
  if (!state) return;
  const canvas = $("heatmap");
  const hovered = app.hovered;
  if (hovered && hovered.kind !== "output") {
    let values = null;
    let n = 0;
    if (hovered.kind === "hidden") {
      const picture = network.picture(hovered);
      if (picture) ({ values, n } = picture);
    } else {
      const feature = state.features.find((f) => f.name === hovered.name);
      if (feature) {
        values = feature.picture.dtype === "u8" ? unit(decode(feature.picture)) : decode(feature.picture);
        n = feature.picture.shape[feature.picture.shape.length - 1];
      }
    }
    if (values) {
      if (state.task.dims === 2) drawField(canvas, state, { image: unitImage(values, n) }, app.view.showTest);
      else drawField(canvas, state, { curve: values }, app.view.showTest);
      return;
    }
  }
  if (!frame) return drawField(canvas, state, {}, app.view.showTest);
  if (frame.output.kind === "curve") {
    drawField(canvas, state, { curve: decode(frame.output.values) }, app.view.showTest);
  } else {
    drawField(canvas, state, { image: image || outputImage(frame.output, app.view.discretize) }, app.view.showTest);
  }
}

function render() {
  scheduled = false;
  const frame = pending;
  pending = null;
  if (!frame) return;
  app.frame = frame;
  app.frames += 1;
  $("epoch").textContent = pad(frame.epoch);
  $("steps").textContent = `${frame.steps.toLocaleString("en")} steps · batch ${app.state.batch_size}`;
  const m = frame.metrics;
  $("train-loss").textContent = m.train_loss.toFixed(3);
  $("test-loss").textContent = m.test_loss.toFixed(3);
  if ("train_accuracy" in m) {
    $("train-metric").textContent = `accuracy ${(100 * m.train_accuracy).toFixed(1)}%`;
    $("test-metric").textContent = `accuracy ${(100 * m.test_accuracy).toFixed(1)}%`;
  } else {
    $("train-metric").textContent = `R² ${m.train_r2.toFixed(3)}`;
    $("test-metric").textContent = `R² ${m.test_r2.toFixed(3)}`;
  }
  $("penalty").textContent = m.penalty ? `+ ${app.config.regularization.toUpperCase()} penalty ${m.penalty.toFixed(4)} (in the training objective)` : "";
  chart.add(m.train_loss, m.test_loss);
  chart.draw();
  const image = frame.output.kind === "curve" ? null : outputImage(frame.output, app.view.discretize);
  drawBig(image);
  const curve = frame.output.kind === "curve" ? decode(frame.output.values) : null;
  network.update(frame, image, curve);
  send({ type: "ack", frame: frame.frame });
}

function onState(state) {
  const ys = state.points.y;
  state.valueRange = [Math.min(...ys), Math.max(...ys)];
  state.limits = app.hello.limits;
  app.state = state;
  app.config = state.config;
  app.frame = null;
  controls.show(state.config, state);
  network.layout(state, app.hello.choices.features);
  chart.reset();
  legend($("legend"), state);
  updateHash();
  const shape = [state.layers[0], ...state.config.hidden, state.layers[state.layers.length - 1]].join("-");
  $("network-info").textContent = `${shape} network: ${state.weights_count.toLocaleString("en")} weights. ` +
    `${state.n_train} training and ${state.n_test} test points, ${state.batches_per_epoch} mini-batch` +
    `${state.batches_per_epoch === 1 ? "" : "es"} per epoch. Output: ${state.output}.`;
  if (state.notice) $("upload-notice").textContent = state.notice;
  if (state.config.dataset !== "csv") $("upload-notice").textContent = "";
  if (visibleTab() === "surfaceview") requestSurface();
}

function visibleTab() {
  return document.querySelector(".tab-panel.active").id;
}

function requestSurface() {
  send({ type: "surface", start: app.surfaceStart, steps: Number($("surface-steps").value) });
}

function download(file) {
  const bytes = decode({ b64: file.b64, dtype: "u8" });
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const a = document.createElement("a");
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function setPlaying(playing) {
  app.playing = playing;
  $("play").textContent = playing ? "❚❚" : "▶";
  $("play").classList.toggle("playing", playing);
}

const handlers = {
  hello(msg) {
    app.hello = msg;
    controls = new Controls(msg, change);
    const { config, view } = splitSetup(parseHash(location.hash));
    Object.assign(app.view, view);
    $("show-test").checked = app.view.showTest;
    $("discretize").checked = app.view.discretize;
    app.config = { ...msg.defaults, seed: Math.floor(Math.random() * 1e6) };
    send({ type: "config", config: { ...app.config, ...config } });
  },
  state: onState,
  frame(msg) {
    app.received = msg.frame;
    if (!app.state || msg.generation !== app.state.generation) return send({ type: "ack", frame: msg.frame });
    pending = msg;
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(render);
    }
  },
  applied(msg) {
    app.config = msg.config;
    controls.show(msg.config, app.state);
    updateHash();
  },
  playing(msg) {
    setPlaying(msg.playing);
  },
  graph(msg) {
    app.graph = msg;
    if (visibleTab() === "stepview") stepView.show(msg);
  },
  surface(msg) {
    surfaceView.show(msg, app.config.optimizer);
  },
  file: download,
  error(msg) {
    showMessage(msg.message);
    if (app.state) controls.show(app.config, app.state);  // the controls show what is in force
    if (!app.state) send({ type: "config", config: app.config });  // a bad link: start from the defaults
  },
};

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws`);
  socket.onopen = () => {
    $("connection").textContent = "connected";
    $("connection").className = "connection ok";
  };
  socket.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    handlers[msg.type]?.(msg);
  };
  socket.onclose = () => {
    $("connection").textContent = "disconnected: restart `nabla playground` and reload the page";
    $("connection").className = "connection lost";
    setPlaying(false);
  };
}

$("play").addEventListener("click", () => send({ type: app.playing ? "pause" : "play" }));
$("step").addEventListener("click", () => send({ type: "step" }));
$("reset").addEventListener("click", () => send({ type: "reset" }));
$("regenerate").addEventListener("click", () => change({ seed: Math.floor(Math.random() * 1e6) }));
$("add-layer").addEventListener("click", () => change({ hidden: [...app.config.hidden, 2] }));
$("remove-layer").addEventListener("click", () => change({ hidden: app.config.hidden.slice(0, -1) }));
for (const id of ["show-test", "discretize"]) {
  $(id).addEventListener("change", (e) => {
    app.view[id === "show-test" ? "showTest" : "discretize"] = e.target.checked;
    updateHash();
    drawBig();
  });
}
$("upload").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  if (file.size > MAX_UPLOAD) return showMessage(`${file.name} is larger than 1 MB: upload at most 2000 rows`);
  send({ type: "upload", name: file.name, text: await file.text() });
  e.target.value = "";
});
for (const what of ["model", "code", "csv"]) $(`export-${what}`).addEventListener("click", () => send({ type: "export", what }));
$("copy-link").addEventListener("click", async () => {
  $("share-link").select();
  try {
    await navigator.clipboard.writeText(location.href);
    showMessage("the link is copied");
  } catch {
    showMessage("select the link and copy it (Ctrl+C)");
  }
});
$("animate").addEventListener("click", () => stepView.animate());
$("surface-run").addEventListener("click", requestSurface);
for (const tab of document.querySelectorAll(".tabs button")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll(".tabs button")) t.classList.toggle("active", t === tab);
    for (const p of document.querySelectorAll(".tab-panel")) p.classList.toggle("active", p.id === tab.dataset.tab);
    if (tab.dataset.tab === "surfaceview") requestSurface();
    if (tab.dataset.tab === "stepview" && app.graph) stepView.show(app.graph);
  });
}
connect();
