"""The optimizers' updates in the fused kernel: ``SGD.step`` and ``Adam.step`` written as loops.

Each loop repeats, element by element and in the same order of operations,
what :mod:`nabla.optim.sgd` and :mod:`nabla.optim.adam` do with NumPy (a
Python float is cast to the parameter's dtype, as NumPy casts it), so that on
the same gradients the fused update rounds as the eager one. What the kernel
bakes in (momentum, betas, weight decay, the flags) is checked at every
call: a change sends the call to the plain replay. The learning rate is read
at every call (a scheduler changes it), and Adam's step count and bias
corrections are computed in Python with the eager code's expressions.
"""

from __future__ import annotations

import numbers

from .kernels import Unsupported, lit

_BAKED = {
    "sgd": ("momentum", "dampening", "weight_decay", "nesterov", "maximize"),
    "adam": ("betas", "eps", "weight_decay", "amsgrad", "maximize", "decoupled_weight_decay"),
}


def optimizer_step(w, opt, kind: str | None) -> None:
    """Write ``opt.step()`` into the kernel of the writer ``w`` (:class:`nabla.capture.fuse._Writer`)."""
    if kind is None:
        raise Unsupported(f"the optimizer {type(opt).__name__}")
    o = w.wrapper_name(opt, "O")
    for i, group in enumerate(opt.param_groups):
        g = f"{o}_g{i}"
        w.before.append(f"{g} = {o}.param_groups[{i}]")
        baked = " and ".join(f"{g}[{k!r}] == {_literal(group[k])}" for k in _BAKED[kind])
        w.before += [f"if not ({baked} and len({g}['params']) == {len(group['params'])}):", "    return PLAIN"]
        w.before.append(f"{g}_lr = float({g}['lr'])")
        lr = w.scalar(f"{g}_lr")
        for p in group["params"]:
            grad = w.grads.get(id(p))
            if grad is None:
                raise Unsupported("an optimizer step on a gradient from before the step (call zero_grad() in it)")
            if grad == "none":
                continue  # no gradient: the optimizer skips the parameter
            t = w.wrapper_name(p, "T")
            if t in w.updated:
                raise Unsupported("two optimizer steps of one parameter in one step")
            (sgd if kind == "sgd" else adam)(w, o, g, group, p, grad, lr)
            w.updated.append(t)
    w.after.append(f"{o}._step_calls += 1")  # (what Optimizer.step counts, for the schedulers' warning)


def _literal(value) -> str:
    """A setting as Python source (a NumPy number as the float it equals, as the optimizer reads it)."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, (tuple, list)):
        return "(" + "".join(_literal(v) + ", " for v in value) + ")"
    raise Unsupported(f"the optimizer setting {value!r}")


def _state(w, o: str, p, keys: tuple) -> str:
    """The wrapper's name for ``opt.state[p]``, checked to hold ``keys`` (else the call runs on the plain replay)."""
    s = f"{o}_s{len(w.before)}"
    has = " and ".join(f"{k!r} in {s}" for k in keys)
    w.before += [f"{s} = {o}.state.get({w.wrapper_name(p, 'T')})", f"if {s} is None or not ({has}):"]
    w.before.append("    return PLAIN")
    return s


def _effective_grad(group: dict) -> list[str]:
    """``effective_grad``: ``d`` from the gradient ``d`` and the parameter ``p`` (L2 decay, maximize)."""
    wd = float(group["weight_decay"])
    if wd != 0.0 and not group.get("decoupled_weight_decay", False):
        return [f"d = p * {lit(wd)} - d" if group["maximize"] else f"d = p * {lit(wd)} + d"]
    return ["d = -d"] if group["maximize"] else []


def sgd(w, o: str, g: str, group: dict, p, grad: int, lr: str) -> None:
    """``SGD._update`` (and its plain fast path, ``param += -lr * grad``), the momentum buffer in place."""
    body = _effective_grad(group)
    reads = {"p": ("p", p), "d": ("v", grad)}
    writes = {"p": ("p", p)}
    momentum = float(group["momentum"])
    if momentum != 0.0:
        buf = w.array(f"{_state(w, o, p, ('momentum_buffer',))}['momentum_buffer']", "M")
        reads["b"] = writes["b"] = ("a", (buf, p._data.shape))
        dampening = float(group["dampening"])
        body.append(f"b = b * {lit(momentum)} + " + ("d" if dampening == 0.0 else f"{lit(1.0 - dampening)} * d"))
        body.append(f"d = b * {lit(momentum)} + d" if group["nesterov"] else "d = b")
    body.append(f"p = p + F(-{lr}) * d")
    w.k.loop(p._data.shape, reads, writes, body)


def adam(w, o: str, g: str, group: dict, p, grad: int, lr: str) -> None:
    """``Adam._update``: the moments in place, the bias corrections from the step count of ``opt.state[p]``."""
    keys = ("step", "exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())
    s = _state(w, o, p, keys)
    beta1, beta2 = (float(b) for b in group["betas"])
    w.before.append(f"{s}_n = {s}['step'] + 1")
    size = w.scalar(f"{g}_lr / (1.0 - {beta1!r} ** {s}_n)")  # step_size = lr / bias_correction1
    bc2 = w.scalar(f"(1.0 - {beta2!r} ** {s}_n) ** 0.5")
    w.after.append(f"{s}['step'] = {s}_n")
    shape = p._data.shape
    reads = {"p": ("p", p), "d": ("v", grad)}
    for local, key in (("m", "exp_avg"), ("v", "exp_avg_sq"), ("vm", "max_exp_avg_sq")):
        if key in keys:
            reads[local] = ("a", (w.array(f"{s}[{key!r}]", "M"), shape))
    writes = {"p": ("p", p), **{k: v for k, v in reads.items() if k in ("m", "v", "vm")}}
    wd = float(group["weight_decay"])
    body = []
    if group["decoupled_weight_decay"] and wd != 0.0:
        body.append(f"p = p * F({w.scalar(f'1.0 - {g}_lr * {wd!r}')})")
    body += _effective_grad(group)
    body += [
        f"m = m + (d - m) * {lit(1.0 - beta1)}",
        f"v = v * {lit(beta2)} + (d * d) * {lit(1.0 - beta2)}",
    ]
    if group["amsgrad"]:
        body.append("vm = vm if vm >= v or vm != vm else v")  # np.maximum(v_max, v)
    body += [
        f"t = np.sqrt({'vm' if group['amsgrad'] else 'v'}) / F({bc2}) + {lit(float(group['eps']))}",
        f"p = p - (m / t) * F({size})",
    ]
    w.k.loop(shape, reads, writes, body)
