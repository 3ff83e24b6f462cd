"""The NumPy floor: training steps written by hand on arrays, with no abstraction.

No tensors, no graph, no modules: each layer's forward and backward is a
couple of BLAS calls into arrays allocated once, activations are applied in
place, and the output layer's gradient is the fused "prediction minus
target" form. Whatever a NumPy engine does on top of this is overhead, so
these classes are the floor that nabla is measured against ("within 10% of
the floor" means nabla's abstractions cost at most a tenth of the step).

The tricks (scikit-learn's ``_multilayer_perceptron`` uses the same ones):

- ``np.dot(a, w, out=z)`` writes into a preallocated array; weights are
  stored as (in, out) so that the forward pass needs no transpose, and BLAS
  reads the transposed views of the backward pass without copying;
- ``np.maximum(z, 0, out=z)`` and ``np.tanh(z, out=z)``: activations in place;
- softmax + cross-entropy and sigmoid + binary cross-entropy have the
  gradient ``(p - y) / B`` with respect to the logits (p the predicted
  probabilities, y the one-hot or 0/1 targets, B the batch size), so the
  output layer's backward pass is one subtraction and one scaling;
- SGD is ``g *= lr; w -= g``, Adam updates its moments in place.
"""

from __future__ import annotations

import math

import numpy as np

# --- the output layer: loss value and the fused gradient with respect to the logits ----------------


def softmax_ce_grad(z: np.ndarray, y: np.ndarray, rows: np.ndarray) -> float:
    """Mean softmax cross-entropy of logits ``z`` (B, C) for labels ``y``; ``z`` becomes dloss/dz.

    NOTE: the max is subtracted before exp (no overflow); the loss is
    ``log(sum exp) - z[y]`` on the shifted logits, so no log of a rounded
    probability is taken.
    """
    b = z.shape[0]
    z -= z.max(axis=1, keepdims=True)
    picked = z[rows, y]
    np.exp(z, out=z)
    total = z.sum(axis=1, keepdims=True)
    loss = float(np.log(total).sum() - picked.sum()) / b
    z /= total  # softmax probabilities
    z[rows, y] -= 1.0  # - one-hot
    z *= 1.0 / b
    return loss


def sigmoid_bce_grad(z: np.ndarray, y: np.ndarray, rows: np.ndarray | None = None) -> float:
    """Mean binary cross-entropy of ``sigmoid(z)`` against 0/1 targets; ``z`` becomes dloss/dz.

    NOTE: log(sigmoid(z)) = -softplus(-z) and log(1 - sigmoid(z)) = -softplus(z),
    so the loss is mean(softplus(z) - y z), computed with log1p(exp(-|z|)),
    which never overflows. Used for both "sigmoid output + BCE" and "BCE with
    logits": they are the same function of the logits.
    """
    b = z.shape[0]
    loss = float((np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))).sum()) / b
    # sigmoid, stable for both signs: exp(-|z|) <= 1.
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    np.subtract(p, y, out=z)
    z *= 1.0 / b
    return loss


OUTPUT_GRADS = {"softmax_ce": softmax_ce_grad, "sigmoid_bce": sigmoid_bce_grad, "bce_logits": sigmoid_bce_grad}


# --- optimizers on lists of arrays ---------------------------------------------------------------


class SGDArrays:
    """``w <- w - lr g``, in place (the gradient array is scaled in place: it is rewritten next step)."""

    def __init__(self, params: list[np.ndarray], lr: float):
        self.params, self.lr = params, float(lr)

    def step(self, grads: list[np.ndarray]) -> None:
        for w, g in zip(self.params, grads):
            g *= self.lr
            w -= g


class AdamArrays:
    """PyTorch's Adam (eps added after the bias correction), moments updated in place."""

    def __init__(self, params: list[np.ndarray], lr: float, betas=(0.9, 0.999), eps: float = 1e-8):
        self.params, self.lr, self.eps = params, float(lr), float(eps)
        self.beta1, self.beta2 = float(betas[0]), float(betas[1])
        self.m = [np.zeros_like(w) for w in params]
        self.v = [np.zeros_like(w) for w in params]
        self.tmp = [np.empty_like(w) for w in params]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        step_size = self.lr / (1.0 - self.beta1**self.t)
        bc2_sqrt = math.sqrt(1.0 - self.beta2**self.t)
        for w, g, m, v, tmp in zip(self.params, grads, self.m, self.v, self.tmp):
            np.subtract(g, m, out=tmp)
            tmp *= 1.0 - self.beta1
            m += tmp  # m <- b1 m + (1 - b1) g
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - self.beta2
            v *= self.beta2
            v += tmp  # v <- b2 v + (1 - b2) g^2
            np.sqrt(v, out=tmp)
            tmp /= bc2_sqrt
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            w -= tmp


def make_optimizer(name: str, params: list[np.ndarray], lr: float):
    return SGDArrays(params, lr) if name == "sgd" else AdamArrays(params, lr)


# --- MLP -------------------------------------------------------------------------------------------


class FloorMLP:
    """A multi-layer perceptron's training step and forward pass on preallocated arrays.

    Args:
        weights: ``[W0, b0, W1, b1, ...]`` in PyTorch's layout (W of shape (out, in)).
        activation: "relu" or "tanh", between layers.
        loss: "softmax_ce" (integer labels), "sigmoid_bce" or "bce_logits" (0/1 targets of shape (B, 1)).
        batch_size: rows of every training batch (the buffers have this many rows).
        optimizer: "sgd" or "adam"; lr: its learning rate.
    """

    def __init__(self, weights, activation: str, loss: str, batch_size: int, optimizer: str = "sgd", lr: float = 0.01):
        self.w = [np.ascontiguousarray(weights[i].T, dtype=np.float32) for i in range(0, len(weights), 2)]
        self.b = [np.array(weights[i], dtype=np.float32) for i in range(1, len(weights), 2)]
        self.activation, self.loss = activation, loss
        self.output_grad = OUTPUT_GRADS[loss]
        self.batch_size = batch_size
        widths = [w.shape[1] for w in self.w]
        self.z = [np.empty((batch_size, n), np.float32) for n in widths]  # pre-activations, then activations
        self.delta = [np.empty((batch_size, n), np.float32) for n in widths[:-1]]  # dloss/d(hidden activations)
        self.mask = [np.empty((batch_size, n), np.float32) for n in widths[:-1]]  # f'(z) of the hidden layers
        self.gw = [np.empty_like(w) for w in self.w]
        self.gb = [np.empty_like(b) for b in self.b]
        self.rows = np.arange(batch_size)
        self.opt = make_optimizer(optimizer, self.w + self.b, lr)
        self._forward_buffers: dict[int, list[np.ndarray]] = {}

    def _activate(self, z: np.ndarray) -> None:
        if self.activation == "relu":
            np.maximum(z, 0.0, out=z)
        else:
            np.tanh(z, out=z)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """One SGD/Adam step on the batch (x, y); returns the batch's loss before the update."""
        last = len(self.w) - 1
        a = x
        for i, (w, b, z) in enumerate(zip(self.w, self.b, self.z)):
            np.dot(a, w, out=z)
            z += b
            if i < last:
                self._activate(z)
            a = z
        loss = self.output_grad(a, y, self.rows)
        dz = a
        for i in range(last, -1, -1):
            a_prev = x if i == 0 else self.z[i - 1]
            np.dot(a_prev.T, dz, out=self.gw[i])
            np.add.reduce(dz, axis=0, out=self.gb[i])
            if i == 0:
                break
            delta, mask = self.delta[i - 1], self.mask[i - 1]
            np.dot(dz, self.w[i].T, out=delta)
            if self.activation == "relu":
                np.greater(a_prev, 0.0, out=mask)
            else:  # tanh' = 1 - tanh^2, from the saved output
                np.multiply(a_prev, a_prev, out=mask)
                np.subtract(1.0, mask, out=mask)
            delta *= mask
            dz = delta
        self.opt.step(self.gw + self.gb)
        return loss

    def workspace_bytes(self) -> int:
        """Bytes of the buffers a training step writes (activations, deltas, masks, gradients)."""
        return sum(a.nbytes for a in self.z + self.delta + self.mask + self.gw + self.gb)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """The logits of x (inference); the returned array is reused by the next call of the same size."""
        buffers = self._forward_buffers.get(len(x))
        if buffers is None:
            buffers = self._forward_buffers[len(x)] = [np.empty((len(x), w.shape[1]), np.float32) for w in self.w]
        a = x
        for i, (w, b, z) in enumerate(zip(self.w, self.b, buffers)):
            np.dot(a, w, out=z)
            z += b
            if i < len(self.w) - 1:
                self._activate(z)
            a = z
        return a

    def predict(self, x: np.ndarray, batch_size: int) -> np.ndarray:
        out = np.empty((len(x), self.w[-1].shape[1]), np.float32)
        for start in range(0, len(x), batch_size):
            out[start : start + batch_size] = self.forward(x[start : start + batch_size])
        return out


# --- CNN -------------------------------------------------------------------------------------------


def _windows_nhwc(x: np.ndarray, k: int) -> np.ndarray:
    """(B, H, W, C) -> (B, OH, OW, k, k, C) sliding windows, a strided view (stride 1, no padding)."""
    b, h, w, c = x.shape
    s = x.strides
    return np.lib.stride_tricks.as_strided(x, (b, h - k + 1, w - k + 1, k, k, c), (s[0], s[1], s[2], s[1], s[2], s[3]))


class _ConvReluPool:
    """conv k x k (stride 1, no padding) + ReLU + 2 x 2 max-pool, channels-last, im2col with one GEMM.

    The kernel (O, C, k, k) is stored as a (k*k*C, O) matrix matching the
    column layout (B*OH*OW, k*k*C), so the convolution is ``cols @ kernel``
    and its output is already channels-last.
    """

    def __init__(self, weight: np.ndarray, bias: np.ndarray, in_hw: int, batch: int):
        o, c, k, _ = weight.shape
        self.k, self.c, self.o = k, c, o
        self.kernel = np.ascontiguousarray(weight.transpose(2, 3, 1, 0).reshape(k * k * c, o), dtype=np.float32)
        self.bias = np.array(bias, dtype=np.float32)
        self.oh = in_hw - k + 1
        self.ph = self.oh // 2  # the pool drops an odd last row/column, as PyTorch's floor mode does
        self.cols = np.empty((batch * self.oh * self.oh, k * k * c), np.float32)
        self.z = np.empty((batch * self.oh * self.oh, o), np.float32)
        self.pooled = np.empty((batch, self.ph, self.ph, o), np.float32)
        self.dz = np.zeros((batch, self.oh, self.oh, o), np.float32)  # cropped rows stay 0
        self.dcols = np.empty_like(self.cols)
        self.dx = np.empty((batch, in_hw, in_hw, c), np.float32)
        self.gkernel, self.gbias = np.empty_like(self.kernel), np.empty_like(self.bias)

    def _quads(self, a: np.ndarray) -> np.ndarray:
        """(B, OH, OW, O) -> (B, PH, 2, PW, 2, O): the 2 x 2 pooling windows, a view."""
        b, p = a.shape[0], self.ph
        return a[:, : 2 * p, : 2 * p, :].reshape(b, p, 2, p, 2, self.o)

    def forward(self, x: np.ndarray) -> np.ndarray:
        b = x.shape[0]
        np.copyto(self.cols.reshape(b, self.oh, self.oh, self.k, self.k, self.c), _windows_nhwc(x, self.k))
        np.dot(self.cols, self.kernel, out=self.z)
        self.z += self.bias
        np.maximum(self.z, 0.0, out=self.z)
        np.max(self._quads(self.z.reshape(b, self.oh, self.oh, self.o)), axis=(2, 4), out=self.pooled)
        return self.pooled

    def backward(self, dpooled: np.ndarray, need_dx: bool) -> np.ndarray | None:
        b = dpooled.shape[0]
        # NOTE: the ReLU's gradient is folded into the pool's: a window's max is positive exactly when
        # the element it came from is, and a window of zeros passes no gradient either way.
        dpooled *= self.pooled > 0
        quads, dquads = self._quads(self.z.reshape(b, self.oh, self.oh, self.o)), self._quads(self.dz)
        np.equal(quads, self.pooled[:, :, None, :, None, :], out=dquads)  # the max of each window
        dquads *= dpooled[:, :, None, :, None, :]
        dz = self.dz.reshape(-1, self.o)
        np.dot(self.cols.T, dz, out=self.gkernel)
        np.add.reduce(dz, axis=0, out=self.gbias)
        if not need_dx:
            return None
        np.dot(dz, self.kernel.T, out=self.dcols)
        dcols = self.dcols.reshape(b, self.oh, self.oh, self.k, self.k, self.c)
        self.dx.fill(0.0)
        for i in range(self.k):  # col2im: add each kernel offset's gradients back onto the image
            for j in range(self.k):
                self.dx[:, i : i + self.oh, j : j + self.oh, :] += dcols[:, :, :, i, j, :]
        return self.dx


class FloorCNN:
    """conv(1->32) - ReLU - pool - conv(32->64) - ReLU - pool - dense(10) on 28 x 28 images, SGD, softmax CE.

    Works channels-last internally (one GEMM per convolution, no transposes);
    the dense layer's columns are permuted once at construction from
    PyTorch's (C, H, W) flattening order to (H, W, C), so the numbers are
    those of the NCHW model.

    Args:
        weights: ``[conv1.w, conv1.b, conv2.w, conv2.b, dense.w, dense.b]`` in PyTorch's layouts.
    """

    def __init__(self, weights, batch_size: int, lr: float):
        w1, b1, w2, b2, wd, bd = weights
        self.conv1 = _ConvReluPool(w1, b1, 28, batch_size)
        self.conv2 = _ConvReluPool(w2, b2, self.conv1.ph, batch_size)
        p, c = self.conv2.ph, self.conv2.o
        self.wd = np.ascontiguousarray(
            wd.reshape(-1, c, p, p).transpose(0, 2, 3, 1).reshape(-1, p * p * c).T, dtype=np.float32
        )
        self.bd = np.array(bd, dtype=np.float32)
        self.logits = np.empty((batch_size, self.wd.shape[1]), np.float32)
        self.gwd, self.gbd = np.empty_like(self.wd), np.empty_like(self.bd)
        self.dflat = np.empty((batch_size, self.wd.shape[0]), np.float32)
        self.rows = np.arange(batch_size)
        params = [self.conv1.kernel, self.conv1.bias, self.conv2.kernel, self.conv2.bias, self.wd, self.bd]
        self.grads = [self.conv1.gkernel, self.conv1.gbias, self.conv2.gkernel, self.conv2.gbias, self.gwd, self.gbd]
        self.opt = SGDArrays(params, lr)

    def workspace_bytes(self) -> int:
        """Bytes of the buffers a training step writes (columns, activations, their gradients, weight gradients)."""
        layers = [self.conv1, self.conv2]
        names = ("cols", "z", "pooled", "dz", "dcols", "dx", "gkernel", "gbias")
        return sum(getattr(c, n).nbytes for c in layers for n in names) + sum(
            a.nbytes for a in (self.logits, self.gwd, self.gbd, self.dflat)
        )

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        b = x.shape[0]
        h1 = self.conv1.forward(x.reshape(b, 28, 28, 1))  # one input channel: NCHW and NHWC coincide
        h2 = self.conv2.forward(h1)
        flat = h2.reshape(b, -1)
        np.dot(flat, self.wd, out=self.logits)
        self.logits += self.bd
        loss = softmax_ce_grad(self.logits, y, self.rows)
        np.dot(flat.T, self.logits, out=self.gwd)
        np.add.reduce(self.logits, axis=0, out=self.gbd)
        np.dot(self.logits, self.wd.T, out=self.dflat)
        dh1 = self.conv2.backward(self.dflat.reshape(h2.shape), need_dx=True)
        self.conv1.backward(dh1, need_dx=False)
        self.opt.step(self.grads)
        return loss
