"""nabla playground end to end: the real page in headless Chromium (Debian's), driven by Playwright.

Playwright's own browser download does not work everywhere (nor here): the tests use the system's
``/usr/bin/chromium`` (``apt-get install chromium``), which CI installs. Without it they skip, saying
so; in CI they fail. The browser's home, cache and configuration go to a temporary folder.
"""

from __future__ import annotations

import csv
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import require

CHROMIUM = Path("/usr/bin/chromium")

require("starlette")
require("uvicorn")
require("playwright")
if not CHROMIUM.exists():
    if os.environ.get("CI", "").lower() == "true":
        raise FileNotFoundError(f"{CHROMIUM} is missing: CI installs Debian's chromium (see .ci/run)")
    pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

from nabla import models  # noqa: E402
from nabla.playground import create_app  # noqa: E402
from nabla.playground.server import address, bind, make_server  # noqa: E402


@pytest.fixture(scope="module")
def server():
    app = create_app()
    sock = bind("127.0.0.1", 0)
    uvicorn_server = make_server(app)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not uvicorn_server.started and time.time() < deadline:
        time.sleep(0.05)
    yield address(sock), app.state.playground
    uvicorn_server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    home = tmp_path_factory.mktemp("chromium-home")
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache")}
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], env={**os.environ, **env}
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors  # no script error, no blocked resource


def wait(page, script: str, timeout: float = 60.0):
    """Poll ``script`` (a JavaScript function) until it returns something truthy; returns that."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = page.evaluate(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {script}")


def open_page(page, url: str, hash_: str = ""):
    page.goto(url + hash_)
    wait(page, "() => window.nablaPlayground.frames > 0")


def setting(page, key: str):
    return page.evaluate(f"() => window.nablaPlayground.config[{key!r}]")


def accuracy(page, which: str) -> float:
    text = page.text_content(f"#{which}-metric")
    return float(text.split()[1].rstrip("%")) / 100


def heatmap(page) -> np.ndarray:
    """The big heatmap's pixels (RGB), every 6th row and column (a whole canvas is slow to send)."""
    pixels = page.evaluate(
        "() => { const c = document.getElementById('heatmap');"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; const out = [];"
        " for (let y = 0; y < c.height; y += 6) for (let x = 0; x < c.width; x += 6)"
        " { const i = 4 * (y * c.width + x); out.push(d[i], d[i + 1], d[i + 2]); } return out; }"
    )
    return np.asarray(pixels, dtype=np.float64)


def train_until(page, epochs: int):
    page.click("#play")
    wait(page, "() => window.nablaPlayground.playing")
    wait(page, f"() => window.nablaPlayground.frame && window.nablaPlayground.frame.epoch >= {epochs}")
    page.click("#play")
    wait(page, "() => !window.nablaPlayground.playing")  # the server sends the last frame before saying so
    wait(page, "() => window.nablaPlayground.frame.frame === window.nablaPlayground.received")  # ... drawn


def choose(page, select: str, value: str, key: str, expected):
    page.select_option(select, value)
    wait(page, f"() => String(window.nablaPlayground.config[{key!r}]) === {str(expected)!r}")


def test_xor_and_moons_train_through_the_controls(page, server, tmp_path):
    url, _ = server
    open_page(page, url, "#seed=3")
    page.click("canvas[data-dataset=xor]")
    wait(page, "() => window.nablaPlayground.state.config.dataset === 'xor'")
    choose(page, "#optimizer", "adam", "optimizer", "adam")
    choose(page, "#lr", "0.03", "lr", "0.03")
    choose(page, "#epochs_per_frame", "10", "epochs_per_frame", "10")
    before = heatmap(page)
    train_until(page, 1)
    middle = heatmap(page)
    train_until(page, 40)
    after = heatmap(page)
    assert accuracy(page, "test") >= 0.95  # XOR, a 2-4-2-1 tanh network, Adam: 95% of the test points or more
    assert np.abs(middle - before).mean() > 5 and np.abs(after - middle).mean() > 0.5  # the heatmap moves
    assert int(page.text_content("#epoch").replace(",", "")) >= 40

    page.click("canvas[data-dataset=moons]")
    wait(page, "() => window.nablaPlayground.state.config.dataset === 'moons'")
    page.click(".unit-control button:has-text('+') >> nth=0")  # a third unit in the first hidden layer
    wait(page, "() => window.nablaPlayground.state.config.hidden[0] === 5")
    assert setting(page, "optimizer") == "adam"  # the other settings stay
    train_until(page, 40)
    assert accuracy(page, "test") >= 0.95  # moons (noise 0.1): 95% of the test points or more
    page.screenshot(path=str(tmp_path / "playground-moons.png"), full_page=True)
    assert (tmp_path / "playground-moons.png").stat().st_size > 10_000


def test_upload_a_csv_train_export_the_model_and_load_it(page, server, tmp_path):
    url, _ = server
    open_page(page, url, "#optimizer=adam&lr=0.03&epochs_per_frame=10&hidden=6")
    rng = np.random.default_rng(0)
    points = rng.normal(size=(300, 2)) * [3, 50] + [10, 200]  # units of their own: the upload standardises
    labels = np.where(points[:, 0] - 10 + (points[:, 1] - 200) / 25 > 0, "big", "small")
    upload = tmp_path / "mine.csv"
    with open(upload, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["length", "weight", "size"])
        writer.writerows([[f"{a:.3f}", f"{b:.3f}", c] for (a, b), c in zip(points, labels)])
    page.set_input_files("#upload", str(upload))
    wait(page, "() => window.nablaPlayground.state.config.dataset === 'csv'")
    assert "mine.csv: 300 points" in page.text_content("#upload-notice")
    train_until(page, 30)
    page_accuracy = accuracy(page, "test")
    assert page_accuracy >= 0.9

    page.click("button[data-tab=exportview]")
    files = {}
    for what in ("model", "csv"):
        with page.expect_download() as download:
            page.click(f"#export-{what}")
        files[what] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[what])
    assert files["model"].name == "model.nabla"
    model = models.load_model(files["model"])
    table = np.genfromtxt(files["csv"], delimiter=",", names=True, dtype=None, encoding="utf-8")
    test = table["split"] == "test"
    X = np.stack([table["x1"][test], table["x2"][test]], axis=1).astype(np.float32)
    predicted = (model.predict(X)[:, 0] > 0.5).astype(int)
    assert np.mean(predicted == table["label"][test]) == pytest.approx(page_accuracy, abs=0.001)


def test_a_shared_link_reproduces_the_run(browser, server):
    url, _ = server
    link = "#dataset=spiral&classes=3&hidden=8,8&activation=relu&optimizer=momentum&lr=0.1&seed=31&showTest=1"
    weights = []
    for _ in range(2):
        context = browser.new_context()
        page = context.new_page()
        open_page(page, url, link)
        assert setting(page, "seed") == 31 and setting(page, "hidden") == [8, 8]
        for step in range(1, 4):
            page.click("#step")
            wait(page, f"() => window.nablaPlayground.frame.steps === {step}")
        weights.append(page.evaluate("() => window.nablaPlayground.frame.weights"))
        assert page.is_checked("#show-test")
        context.close()
    assert weights[0] == weights[1]


def test_bad_input_from_the_page_gets_a_message_and_changes_nothing(page, server, tmp_path):
    url, _ = server
    open_page(page, url, "#dataset=moons")
    words = tmp_path / "words.csv"
    words.write_text("The quick brown fox\njumps over the lazy dog\n" * 10)
    page.set_input_files("#upload", str(words))
    wait(page, "() => !document.getElementById('message').hidden")
    assert "CSV upload" in page.text_content("#message")
    assert setting(page, "dataset") == "moons"
    page.goto(url + "#hidden=100000")  # a link no network could follow: the message, then the defaults
    page.reload()
    wait(page, "() => window.nablaPlayground.frames > 0")
    assert "between 1 and 64" in page.text_content("#message")
    assert setting(page, "hidden") == [4, 2]


def test_the_step_graph_and_the_loss_surface_are_drawn(page, server):
    url, _ = server
    open_page(page, url, "#dataset=circles&regularization=l2&reg_rate=0.01")
    page.click("#step")
    wait(page, "() => document.querySelectorAll('#graph .gnode').length > 10")
    labels = page.eval_on_selector_all("#graph .gnode .title", "nodes => nodes.map(n => n.textContent)")
    assert {"x", "W1", "b1", "tanh", "logits", "loss"} <= set(labels)
    page.click("#graph .gnode >> text=W1")
    assert "gradient of the loss" in page.text_content("#graph-detail")
    page.click("button[data-tab=surfaceview]")
    wait(page, "() => document.querySelectorAll('#surface-legend div').length === 5")
    assert "SGD" in page.text_content("#surface-legend")


def test_tabs_train_their_own_networks_and_a_closed_tab_stops(browser, server):
    url, playground = server
    pages = []
    for link in ("#dataset=xor&hidden=3&seed=1", "#dataset=blobs&classes=4&hidden=5&seed=2"):
        context = browser.new_context()
        page = context.new_page()
        open_page(page, url, link)
        page.click("#play")
        wait(page, "() => window.nablaPlayground.frame.epoch >= 3")
        pages.append((context, page))
    assert {c.session.config.hidden for c in playground.connections} >= {(3,), (5,)}
    gone = next(c for c in playground.connections if c.session.config.hidden == (5,))
    pages[1][0].close()
    deadline = time.time() + 10
    while gone in playground.connections and time.time() < deadline:
        time.sleep(0.05)
    assert gone not in playground.connections and not gone.playing
    steps = gone.session.steps
    epoch = pages[0][1].evaluate("() => window.nablaPlayground.frame.epoch")
    wait(pages[0][1], f"() => window.nablaPlayground.frame.epoch > {epoch + 3}")  # the other tab trains on
    assert gone.session.steps == steps
    pages[0][0].close()
