"""nabla playground's interactivity: frames and epochs per second, through the server's own training loop.

For each network, a tab is opened on the real app (Starlette's TestClient, in memory: no browser, no
network), configured (two moons, 500 points, half for training, batches of 10, Adam), and played for a
fixed time while this side acknowledges every frame at once, as a page that draws instantly would. A
frame is what the page draws: ``epochs_per_frame`` (here 1) whole epochs of training, then the losses
and accuracies of both splits, the 100 x 100 heatmap, every hidden unit's picture and the weights,
encoded as JSON. The issue's bar: at least 20 frames a second, each covering at least one epoch, for a
2-16-16-2 network on 500 points.

    python -m benchmarks.playground [--seconds 5]     # prints the table; the suite calls measure()
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

# (label, config): the page's defaults, a few sizes around the 2-16-16-2, and the SGD extreme.
NETWORKS = [
    ("2-4-2-1 (the defaults' shape)", {"hidden": [4, 2]}),
    ("2-16-16-2", {"hidden": [16, 16], "output": "softmax"}),
    ("2-16-16-2, batch size 1", {"hidden": [16, 16], "output": "softmax", "batch_size": 1}),
    ("2-32-32-32-2", {"hidden": [32, 32, 32], "output": "softmax"}),
    ("7-64-64-64-2 (all features)", {"hidden": [64, 64, 64], "output": "softmax", "features": "all"}),
]
BASE = {"dataset": "moons", "points": 500, "noise": 0.1, "train_ratio": 50, "batch_size": 10, "optimizer": "adam",
        "lr": 0.01, "epochs_per_frame": 1, "seed": 0}  # fmt: skip


def _tab(client, config: dict, seconds: float) -> dict:
    with client.websocket_connect("/ws") as ws:
        ws.receive_json()  # hello
        ws.send_text(json.dumps({"type": "config", "config": config}))
        first = None
        while first is None:
            message = ws.receive_json()
            if message["type"] == "frame":
                first = message
        ws.send_text(json.dumps({"type": "play"}))
        frames, sizes, start, last = 0, 0, None, first
        while True:
            text = ws.receive_text()
            message = json.loads(text)
            if message["type"] != "frame":
                continue
            ws.send_text(json.dumps({"type": "ack", "frame": message["frame"]}))
            if start is None:  # timing starts at the first trained frame: the step is captured by then
                start, last = time.perf_counter(), message
                continue
            frames, sizes, last = frames + 1, sizes + len(text), message
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        ws.send_text(json.dumps({"type": "pause"}))
    epochs = last["epoch"]
    return {"frames": frames, "seconds": elapsed, "frames_per_second": frames / elapsed,
            "epochs_per_second": (epochs - 1) / elapsed, "frame_kb": sizes / max(frames, 1) / 1000,
            "test_accuracy": last["metrics"]["test_accuracy"]}  # fmt: skip


def measure(seconds: float = 5.0) -> dict:
    """Frames and epochs per second for each of :data:`NETWORKS`; ``{"skipped": why}`` without the extra."""
    try:
        with warnings.catch_warnings():  # Starlette's TestClient would rather have httpx2
            warnings.simplefilter("ignore")
            from starlette.testclient import TestClient

        from nabla.playground import create_app
        from nabla.playground.features import FEATURES
    except ImportError as e:
        return {"skipped": f"{e.name} is not installed (pip install -e '.[playground]')"}
    rows = []
    with TestClient(create_app()) as client:
        for label, extra in NETWORKS:
            config = {**BASE, **extra}
            if config.get("features") == "all":
                config["features"] = list(FEATURES)
            rows.append({"network": label, **_tab(client, config, seconds)})
    return {"seconds": seconds, "setup": BASE, "rows": rows}


def table(result: dict) -> list[list[str]]:
    return [
        [r["network"], f"{r['frames_per_second']:.1f}", f"{r['epochs_per_second']:.1f}", f"{r['frame_kb']:.0f}",
         f"{r['test_accuracy']:.1%}"]
        for r in result["rows"]
    ]  # fmt: skip


HEADER = ["network", "frames/s", "epochs/s", "frame (kB)", "test accuracy at the end"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="playing time per network (default 5)")
    result = measure(parser.parse_args(argv).seconds)
    if "skipped" in result:
        print(f"skipped: {result['skipped']}")
        return
    widths = [max(len(h), *(len(r[i]) for r in table(result))) for i, h in enumerate(HEADER)]
    for row in [HEADER, *table(result)]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))


if __name__ == "__main__":
    main()
