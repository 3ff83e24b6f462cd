// Colours: TensorFlow Playground's scale (orange for -1 / class 0, grey for 0, blue for +1 / class 1)
// and, for more classes, further distinct colours.

export const ORANGE = [245, 147, 34];
export const GREY = [232, 234, 235];
export const BLUE = [8, 119, 189];
export const CLASS_COLORS = [ORANGE, BLUE, [44, 160, 44], [148, 103, 189], [214, 39, 40], [140, 86, 75]];

function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

// v in [-1, 1] -> [r, g, b]
export function diverging(v) {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(GREY, ORANGE, -t) : mix(GREY, BLUE, t);
}

// A class colour faded towards grey by (1 - confidence); confidence in [0, 1].
export function classTint(k, confidence) {
  return mix(GREY, CLASS_COLORS[k % CLASS_COLORS.length], 0.15 + 0.85 * Math.max(0, Math.min(1, confidence)));
}

export function css(rgb, alpha = 1) {
  return `rgba(${Math.round(rgb[0])},${Math.round(rgb[1])},${Math.round(rgb[2])},${alpha})`;
}

export function classColor(k) {
  return css(CLASS_COLORS[k % CLASS_COLORS.length]);
}

// A sequential scale for a loss surface: t in [0, 1], low (dark blue) to high (pale yellow).
const RAMP = [[22, 41, 86], [33, 102, 172], [67, 162, 202], [168, 221, 181], [255, 247, 188]];
export function sequential(t) {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  return mix(RAMP[i], RAMP[i + 1], x - i);
}
