// The loss curves under the losses: training (grey) and test (black), one point per frame.

export class LossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.reset();
  }

  reset() {
    this.train = [];
    this.test = [];
    this.draw();
  }

  add(train, test) {
    this.train.push(train);
    this.test.push(test);
    if (this.train.length > 2000) {  // keep the drawing cheap: every other point of the past
      this.train = this.train.filter((_, i) => i % 2 === 0);
      this.test = this.test.filter((_, i) => i % 2 === 0);
    }
  }

  draw() {
    const { canvas } = this;
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const all = this.train.concat(this.test).filter(Number.isFinite);
    if (all.length < 2) return;
    const low = Math.min(...all);
    const high = Math.max(...all);
    const span = Math.max(high - low, 1e-9);
    const n = this.train.length;
    const x = (i) => 2 + ((canvas.width - 4) * i) / Math.max(n - 1, 1);
    const y = (v) => canvas.height - 3 - ((canvas.height - 6) * (v - low)) / span;
    for (const [series, colour] of [[this.train, "#888"], [this.test, "#000"]]) {
      ctx.beginPath();
      series.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.2;
      ctx.stroke();
    }
    ctx.font = "9px system-ui, sans-serif";
    ctx.textAlign = "right";
    for (const [value, y] of [[high, 9], [low, canvas.height - 3]]) {  // the range, on a white patch at the right
      const text = value.toPrecision(3);
      const width = ctx.measureText(text).width + 4;
      ctx.fillStyle = "rgba(255,255,255,.85)";
      ctx.fillRect(canvas.width - width - 1, y - 8, width, 10);
      ctx.fillStyle = "#777";
      ctx.fillText(text, canvas.width - 3, y);
    }
    ctx.textAlign = "left";
  }
}
