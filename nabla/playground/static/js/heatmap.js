// The big view (what the network predicts over the data's domain, with the points) and the small
// pictures of each feature and hidden unit. 2-D data: heatmaps; 1-D data: curves.

import { decode, unit } from "./codec.js";
import { classColor, classTint, css, diverging } from "./colors.js";

const MARGIN = { left: 34, right: 8, top: 8, bottom: 24 };

// Paint an n x n picture into `canvas` (resized to n x n), pixel i coloured by colour(i).
function paint(canvas, n, colour) {
  if (canvas.width !== n || canvas.height !== n) {
    canvas.width = n;
    canvas.height = n;
  }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const c = colour(i);
    image.data[4 * i] = c[0];
    image.data[4 * i + 1] = c[1];
    image.data[4 * i + 2] = c[2];
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

function picture(n, colour) {
  return paint(document.createElement("canvas"), n, colour);
}

// The colour of every pixel of the output picture of a frame (see frames._output_picture).
export function outputImage(output, discretize) {
  if (output.kind === "classes") {
    const winner = decode(output.winner);
    const confidence = unit(decode(output.confidence));
    const n = output.winner.shape[0];
    return picture(n, (i) => classTint(winner[i], discretize ? 1 : (confidence[i] + 1) / 2));
  }
  const values = unit(decode(output.map));
  const n = output.map.shape[0];
  return picture(n, (i) => diverging(discretize ? Math.sign(values[i]) : values[i]));
}

// A unit's (or feature's) picture: values in [-1, 1] on an n x n grid.
export function unitImage(values, n) {
  return picture(n, (i) => diverging(values[i]));
}

function plotArea(canvas) {
  return {
    x: MARGIN.left,
    y: MARGIN.top,
    w: canvas.width - MARGIN.left - MARGIN.right,
    h: canvas.height - MARGIN.top - MARGIN.bottom,
  };
}

function scales(area, domain) {
  const [[x0, x1], [y0, y1]] = domain;
  return {
    x: (v) => area.x + ((v - x0) / (x1 - x0)) * area.w,
    y: (v) => area.y + ((y1 - v) / (y1 - y0)) * area.h,
  };
}

function ticks(low, high, count = 5) {
  const step = Math.pow(10, Math.floor(Math.log10((high - low) / count)));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (high - low) / s <= count) || step * 10;
  const out = [];
  for (let v = Math.ceil(low / nice) * nice; v <= high + 1e-9; v += nice) out.push(Math.abs(v) < 1e-9 ? 0 : v);
  return out;
}

function axes(ctx, area, domain, names) {
  const s = scales(area, domain);
  ctx.strokeStyle = "#999";
  ctx.lineWidth = 1;
  ctx.strokeRect(area.x + 0.5, area.y + 0.5, area.w, area.h);
  ctx.fillStyle = "#555";
  ctx.font = "10px system-ui, sans-serif";
  ctx.textAlign = "center";
  for (const v of ticks(domain[0][0], domain[0][1])) {
    ctx.fillText(String(+v.toFixed(2)), s.x(v), area.y + area.h + 12);
  }
  ctx.textAlign = "right";
  for (const v of ticks(domain[1][0], domain[1][1])) {
    ctx.fillText(String(+v.toFixed(2)), area.x - 4, s.y(v) + 3);
  }
  ctx.textAlign = "center";
  ctx.fillText(names[0], area.x + area.w / 2, area.y + area.h + 22);
  ctx.save();
  ctx.translate(10, area.y + area.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(names[1], 0, 0);
  ctx.restore();
}

// The colour of a point: its class, or its value on the diverging scale.
function pointColour(state, y) {
  if (state.task.kind === "classification") return classColor(y);
  const [low, high] = state.valueRange;
  return css(diverging((2 * (y - low)) / Math.max(high - low, 1e-9) - 1));
}

function points(ctx, area, state, showTest) {
  const s = scales(area, state.domain);
  const { x, y, test } = state.points;
  const oneD = state.task.dims === 1;
  for (const pass of [0, 1]) {
    for (let i = 0; i < y.length; i++) {
      if (test[i] !== pass || (pass === 1 && !showTest)) continue;
      const px = s.x(x[i][0]);
      const py = s.y(oneD ? y[i] : x[i][1]);
      ctx.beginPath();
      ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = oneD ? (pass ? "#fff" : "#6c8a99") : pointColour(state, y[i]);
      ctx.fill();
      ctx.lineWidth = pass ? 1.4 : 1;
      ctx.strokeStyle = pass ? "#000" : "#fff";
      ctx.stroke();
    }
  }
}

// The big view. `view` is {image} (a 2-D picture to stretch over the domain) or {curve: Float32Array}.
export function drawField(canvas, state, view, showTest) {
  const ctx = canvas.getContext("2d");
  const area = plotArea(canvas);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#fff";
  ctx.fillRect(area.x, area.y, area.w, area.h);
  if (view.image) {
    ctx.imageSmoothingEnabled = true;
    ctx.globalAlpha = 0.75; // NOTE: a lighter background, so that points of the predicted class still show
    ctx.drawImage(view.image, area.x, area.y, area.w, area.h);
    ctx.globalAlpha = 1;
  }
  const names = state.task.dims === 1 ? ["x1", "value"] : ["x1", "x2"];
  axes(ctx, area, state.domain, names);
  points(ctx, area, state, showTest);
  if (view.curve) curve(ctx, area, state.domain, view.curve, view.scale || 1, "#183d4e", 2.2);
}

function curve(ctx, area, domain, values, scale, colour, width) {
  const s = scales(area, domain);
  const [x0, x1] = domain[0];
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.x, area.y, area.w, area.h);
  ctx.clip();
  ctx.beginPath();
  for (let i = 0; i < values.length; i++) {
    const xv = x0 + ((x1 - x0) * i) / (values.length - 1);
    const yv = values[i] * scale;
    if (i === 0) ctx.moveTo(s.x(xv), s.y(yv));
    else ctx.lineTo(s.x(xv), s.y(yv));
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
  ctx.restore();
}

// A small picture into `canvas`: an n x n heatmap, or for 1-D data a curve (values clamped to [-1, 1]).
export function drawThumb(canvas, values, dims, n) {
  if (dims === 2) {
    paint(canvas, n, (i) => diverging(values[i])); // the page's CSS scales the n x n canvas, smoothly
    return;
  }
  if (canvas.width !== 50) canvas.width = canvas.height = 50;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = "#ccc";
  ctx.beginPath();
  ctx.moveTo(0, canvas.height / 2);
  ctx.lineTo(canvas.width, canvas.height / 2);
  ctx.stroke();
  const area = { x: 1, y: 2, w: canvas.width - 2, h: canvas.height - 4 };
  const clamped = Array.from(values, (v) => Math.max(-1, Math.min(1, v)));
  curve(ctx, area, [[0, 1], [-1, 1]], clamped, 1, "#0877bd", 1.5);
}

// The colour legend under the big view.
export function legend(element, state) {
  element.textContent = "";
  if (state.task.kind === "classification") {
    state.task.class_names.forEach((name, k) => {
      const item = document.createElement("span");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = classColor(k);
      item.append(swatch, `class ${name}`);
      element.append(item);
    });
    const note = document.createElement("span");
    note.textContent = "(ring: white for a training point, black for a test point)";
    element.append(note);
    return;
  }
  if (state.task.dims === 1) {
    element.append("filled dots: training points · rings: test points · line: what the network predicts");
    return;
  }
  const bar = document.createElement("canvas");
  bar.className = "bar";
  bar.width = 140;
  bar.height = 8;
  const ctx = bar.getContext("2d");
  for (let i = 0; i < 140; i++) {
    ctx.fillStyle = css(diverging((i / 139) * 2 - 1));
    ctx.fillRect(i, 0, 1, 8);
  }
  const [low, high] = state.valueRange;
  element.append(`${low.toFixed(2)}`, bar, `${high.toFixed(2)} (predicted value)`);
}
