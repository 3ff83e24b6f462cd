"""``python -m benchmarks.gpu``: nabla on CuPy against PyTorch on CUDA, on a machine with an NVIDIA GPU.

    python -m benchmarks.gpu --out gpu.json          # W3, W4, W5 (MNIST MLPs) and W6 (the CNN)
    python -m benchmarks.gpu --only W3 --repeats 3

The workloads of :mod:`benchmarks.workloads`, from the same initial weights, with the whole dataset moved
to the GPU once (the batches are slices of it, as ``fit`` does when the data fits on the device):

- ``nabla-cuda``: the public API, ``model.to("cuda")``, the step as a user writes it;
- ``nabla-cuda-captured``: the same step under ``nb.capture`` (replayed on CuPy arrays);
- ``torch-cuda``: PyTorch eager on CUDA, the same loop.

The first steps' losses are compared (they must agree to 1e-4, float32 on two libraries' kernels), then
each implementation runs interleaved timed blocks; a block ends with a device synchronisation, so the
GPU's queued work is counted. Reports steps per second (median of the repeats) and the ratio to PyTorch.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import traceback
from pathlib import Path

from .harness import check_agreement
from .workloads import (
    BY_KEY,
    NablaCapturedTrainer,
    NablaTrainer,
    TorchTrainer,
    Workload,
    batch_slice,
    initial_weights,
    make_data,
)

DEVICE = "cuda"
STEPS = {"W3": 400, "W4": 200, "W5": 400, "W6": 100}  # timed steps per block: each block well over 0.1 s
WARMUP = 20  # steps before timing: CuPy compiles each elementwise kernel at its first use


def _nabla_on_gpu(base):
    """A nabla trainer of class ``base`` whose model and data live on the GPU."""

    class OnGpu(base):
        def __init__(self, w: Workload, weights, data):
            import nabla as nb

            super().__init__(w, weights, data)  # (the optimizer holds the parameters, which .to moves in place)
            self.model.to(DEVICE)
            self.xs, self.ys = nb.tensor(data[0], device=DEVICE), nb.tensor(data[1], device=DEVICE)
            self.sync = _cupy_sync

        def run(self, n: int, record: bool = False):
            step = getattr(self, "step", None) or self._eager_step
            out = []
            for i in range(n):
                sl = batch_slice(self.w, i)
                loss = step(self.xs[sl], self.ys[sl])
                if record:
                    out.append(loss.item())
            return out

        def _eager_step(self, xb, yb):
            self.opt.zero_grad()
            loss = self.loss_fn(self.model(xb), yb)
            loss.backward()
            self.opt.step()
            return loss

    return OnGpu


def _cupy_sync():
    import cupy

    cupy.cuda.Device().synchronize()


class TorchOnGpu(TorchTrainer):
    def __init__(self, w: Workload, weights, data):
        super().__init__(w, weights, data)
        torch = self.torch
        self.model.to(DEVICE)
        self.x, self.y = self.x.to(DEVICE), self.y.to(DEVICE)
        params = self.model.parameters()
        self.opt = torch.optim.SGD(params, lr=w.lr) if w.optimizer == "sgd" else torch.optim.Adam(params, lr=w.lr)
        self.sync = torch.cuda.synchronize


IMPLEMENTATIONS = {
    "nabla-cuda": _nabla_on_gpu(NablaTrainer),
    "nabla-cuda-captured": _nabla_on_gpu(NablaCapturedTrainer),
    "torch-cuda": TorchOnGpu,
}


def bench(w: Workload, repeats: int, log=print) -> dict:
    data, weights = make_data(w), initial_weights(w)
    trainers, errors = {}, {}
    for name, cls in IMPLEMENTATIONS.items():
        try:
            trainers[name] = cls(w, weights, data)
            trainers[name].run(1)
        except Exception as e:  # (reported, not fatal: the other implementations are still measured)
            errors[name] = f"{type(e).__name__}: {e}"
            log(f"{w.key} {name} failed:\n{traceback.format_exc()}")
    trainers = {k: t for k, t in trainers.items() if k not in errors}
    fresh = {name: IMPLEMENTATIONS[name](w, weights, data) for name in trainers}
    recorded = {name: t.run(3, record=True) for name, t in fresh.items()}
    agreement = check_agreement({"torch": recorded.pop("torch-cuda"), **recorded}) if "torch-cuda" in recorded else {}
    for t in trainers.values():
        t.run(WARMUP)
        t.sync()
    rates = {name: [] for name in trainers}
    for _ in range(repeats):
        for name, t in trainers.items():  # interleaved: drifts in the machine's state hit every one alike
            start = time.perf_counter()
            t.run(STEPS[w.key])
            t.sync()
            rates[name].append(STEPS[w.key] / (time.perf_counter() - start))
    medians = {name: statistics.median(r) for name, r in rates.items()}
    ref = medians.get("torch-cuda")
    result = {
        "workload": w.description,
        "steps_per_s": medians,
        "samples": rates,
        "vs_torch": {name: m / ref for name, m in medians.items()} if ref else {},
        "agreement": agreement,
        "errors": errors,
    }
    rates_text = ", ".join(f"{k} {v:.0f} steps/s" for k, v in medians.items())
    log(f"{w.key}: {rates_text}; vs torch {result['vs_torch']}")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="W3,W4,W5,W6", help="comma-separated workloads among W3, W4, W5, W6")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    keys = [k.strip().upper() for k in args.only.split(",") if k.strip()]
    unknown = [k for k in keys if k not in STEPS]
    if unknown:
        parser.error(f"--only: unknown workload(s) {unknown}; choose among {', '.join(STEPS)}")
    import cupy
    import torch

    props = cupy.cuda.runtime.getDeviceProperties(0)
    results = {
        "device": props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"]),
        "cupy": cupy.__version__,
        "torch": torch.__version__,
        "workloads": {k: bench(BY_KEY[k], args.repeats) for k in keys},
    }
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
