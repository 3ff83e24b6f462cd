// Arrays sent by the server as base64 (see nabla/playground/frames.py):
// "u8" bytes code values in [-1, 1] as round((v + 1) * 127.5); "f32" are little-endian float32.

export function decode(array) {
  const binary = atob(array.b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (array.dtype === "f32") return new Float32Array(bytes.buffer);
  return bytes;
}

// The values of a "u8" array back in [-1, 1].
export function unit(bytes) {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 127.5 - 1;
  return out;
}

export function size(array) {
  return array.shape.reduce((a, b) => a * b, 1);
}
