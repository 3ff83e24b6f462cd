"""The server through Starlette's TestClient: the page, the WebSocket conversation, bad input, tabs."""

from __future__ import annotations

import base64
import json
import time
import warnings

import pytest
from conftest import require

require("starlette")
require("httpx")

with warnings.catch_warnings():  # Starlette's TestClient warns that it would rather have httpx2
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from nabla import models  # noqa: E402
from nabla.playground import create_app  # noqa: E402


class Tab:
    """A tab's side of the socket: reads messages, acknowledging frames as a page does after drawing them."""

    def __init__(self, ws):
        self.ws = ws
        self.frames = []
        self.hello = self.until("hello")

    def send(self, message):
        self.ws.send_text(json.dumps(message))

    def until(self, kind: str) -> dict:
        while True:
            message = self.ws.receive_json()
            if message["type"] == "frame":
                self.frames.append(message)
                self.send({"type": "ack", "frame": message["frame"]})
            if message["type"] == kind:
                return message

    def configure(self, **config) -> tuple[dict, dict]:
        self.send({"type": "config", "config": config})
        return self.until("state"), self.until("frame")


@pytest.fixture
def client():
    with TestClient(create_app()) as client:
        yield client


def test_the_page_and_its_files_are_served_with_a_policy_that_forbids_the_internet(client):
    page = client.get("/")
    assert page.status_code == 200 and "nabla playground" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "http" not in page.text.replace("http-equiv", "")  # no address outside the server
    for asset in ("/static/style.css", "/static/js/main.js", "/static/js/network.js"):
        response = client.get(asset)
        assert response.status_code == 200 and "https://" not in response.text
    assert client.get("/status").json() == {"tabs": 0, "training": 0}


def test_hello_state_and_frames(client):
    with client.websocket_connect("/ws") as ws:
        tab = Tab(ws)
        assert {"defaults", "limits", "choices", "datasets"} <= set(tab.hello)
        assert tab.hello["limits"]["hidden_layers"] == 10
        assert {d["name"] for d in tab.hello["datasets"]} >= {"xor", "moons", "circles", "spiral", "sine"}
        state, frame = tab.configure(dataset="xor", hidden=[4], optimizer="adam", lr=0.05)
        assert state["task"] == {"kind": "classification", "classes": 2, "dims": 2, "class_names": ["0", "1"]}
        assert state["layers"] == [2, 4, 1] and state["output"] == "sigmoid"
        assert len(state["points"]["y"]) == 500 and sum(state["points"]["test"]) == 250
        assert frame["epoch"] == 0 and frame["generation"] == state["generation"]
        assert frame["output"]["kind"] == "binary" and frame["output"]["map"]["shape"] == [100, 100]
        assert frame["nodes"][0]["shape"] == [4, 25, 25]
        assert [w[0]["shape"] for w in frame["weights"]] == [[2, 4], [4, 1]]


def test_playing_streams_frames_of_whole_epochs_until_paused(client):
    with client.websocket_connect("/ws") as ws:
        tab = Tab(ws)
        tab.configure(dataset="moons", hidden=[8, 8], optimizer="adam", lr=0.03, epochs_per_frame=2)
        tab.send({"type": "play"})
        assert tab.until("playing")["playing"] is True
        first = len(tab.frames)
        while len(tab.frames) < first + 10:
            tab.until("frame")
        epochs = [f["epoch"] for f in tab.frames[first:]]
        assert all(b - a == 2 for a, b in zip(epochs, epochs[1:]))
        assert client.get("/status").json() == {"tabs": 1, "training": 1}
        tab.send({"type": "pause"})
        assert tab.until("playing")["playing"] is False
        assert tab.frames[-1]["metrics"]["test_accuracy"] > 0.8


def test_step_sends_the_graph_and_a_frame_one_batch_later(client):
    with client.websocket_connect("/ws") as ws:
        tab = Tab(ws)
        tab.configure(dataset="circles", hidden=[3], batch_size=7)
        tab.send({"type": "step"})
        graph = tab.until("graph")
        frame = tab.until("frame")
        assert graph["batch"] == 7 and frame["steps"] == 1 and frame["samples"] == 7
        assert {n["label"] for n in graph["nodes"]} >= {"x", "W1", "b1", "tanh", "logits", "loss"}


def test_export_downloads_a_loadable_model_the_code_and_the_csv(client, tmp_path):
    with client.websocket_connect("/ws") as ws:
        tab = Tab(ws)
        tab.configure(dataset="moons", hidden=[5])
        files = {}
        for what in ("model", "code", "csv"):
            tab.send({"type": "export", "what": what})
            message = tab.until("file")
            files[message["name"]] = base64.b64decode(message["b64"])
    assert set(files) == {"model.nabla", "playground_model.py", "playground_data.csv"}
    (tmp_path / "model.nabla").write_bytes(files["model.nabla"])
    assert models.load_model(tmp_path / "model.nabla").count_params() == 2 * 5 + 5 + 5 + 1
    assert "models.Sequential" in files["playground_model.py"].decode()
    assert files["playground_data.csv"].decode().startswith("x1,x2,label,split\n")


def test_upload_takes_the_csv_and_reports_it(client):
    rows = "\n".join(f"{i},{i % 7},{'ab'[i % 2]}" for i in range(40))
    with client.websocket_connect("/ws") as ws:
        tab = Tab(ws)
        tab.configure()
        tab.send({"type": "upload", "name": "mine.csv", "text": "x,y,kind\n" + rows})
        state = tab.until("state")
        assert state["config"]["dataset"] == "csv" and state["reason"] == "upload"
        assert state["task"]["class_names"] == ["a", "b"] and "mine.csv: 40 points" in state["notice"]


BAD = [
    ("{not json", "not valid JSON"),
    ('{"type": "config", "config": {"lr": NaN}}', "NaN"),
    ('{"type": "config", "config": {"lr": 1e999}}', "not a number JSON allows"),
    ('{"type": "config", "config": {"lr": Infinity}}', "Infinity"),
    ("[1, 2]", "JSON object"),
    ('{"type": "explode"}', "unknown message type"),
    ('{"type": "play", "now": true}', "no field"),
    ('{"type": "ack"}', "needs the field"),
    ('{"type": "ack", "frame": "1"}', "must be a int"),
    ('{"type": "ack", "frame": true}', "must be a int"),
    ('{"type": "config", "config": {"hidden": [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]}}', "at most 10 hidden layers"),
    ('{"type": "config", "config": {"hidden": [100000]}}', "between 1 and 64"),
    ('{"type": "config", "config": {"dataset": "csv"}}', "no CSV was uploaded"),
    ('{"type": "upload", "name": "words.csv", "text": "lorem ipsum dolor\\nsit amet consectetur"}', "CSV upload"),
    ('{"type": "export", "what": "everything"}', "export.what"),
    ('{"type": "surface", "start": [1], "steps": 5}', "surface"),
    ('{"type": "surface", "start": [1, 2], "steps": 100000}', "surface"),
]


def test_every_bad_input_gets_a_message_and_changes_nothing(client):
    with client.websocket_connect("/ws") as ws:
        tab = Tab(ws)
        state, _ = tab.configure(dataset="xor", hidden=[3], seed=4)
        tab.send({"type": "step"})
        tab.until("frame")
        weights = tab.frames[-1]["weights"]
        for text, reason in BAD:
            ws.send_text(text)
            error = tab.until("error")
            assert reason in error["message"], (text, error)
        ws.send_bytes(b"\x00\x01")
        assert "JSON text" in tab.until("error")["message"]
        tab.send({"type": "export", "what": "csv"})  # the tab still works, with the same network and data
        tab.until("file")
        tab.send({"type": "reset"})
        again = tab.until("state")
        assert again["config"] == state["config"] and again["points"] == state["points"]
        tab.until("frame")
        tab.send({"type": "step"})
        tab.until("graph")
        frame = tab.until("frame")
        assert frame["steps"] == 1 and frame["weights"] == weights  # the same first step after the reset


def test_tabs_train_their_own_networks_and_a_closed_tab_stops_training(client):
    app = client.app
    with client.websocket_connect("/ws") as one_ws, client.websocket_connect("/ws") as two_ws:
        one, two = Tab(one_ws), Tab(two_ws)
        one.configure(dataset="xor", hidden=[2], seed=1)
        two.configure(dataset="spiral", classes=3, hidden=[9], seed=2)
        one.send({"type": "play"})
        two.send({"type": "play"})
        for _ in range(5):
            one.until("frame")
            two.until("frame")
        assert one.frames[-1]["weights"][0][0]["shape"] == [2, 2]
        assert two.frames[-1]["weights"][0][0]["shape"] == [2, 9]
        assert client.get("/status").json() == {"tabs": 2, "training": 2}
        gone = next(c for c in app.state.playground.connections if c.session.config.seed == 2)
        two_ws.close()
        for _ in range(5):  # the other tab trains on
            one.until("frame")
        steps = gone.session.steps
        time.sleep(0.5)
        assert gone.session.steps == steps  # nothing was trained for the closed tab
        assert gone.closed and not gone.playing and gone not in app.state.playground.connections
        assert client.get("/status").json() == {"tabs": 1, "training": 1}
    deadline = time.time() + 5
    while client.get("/status").json()["tabs"] and time.time() < deadline:
        time.sleep(0.05)
    assert client.get("/status").json() == {"tabs": 0, "training": 0}


def test_a_socket_from_another_site_is_refused(client):
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/ws", headers={"origin": "http://evil.example"}) as ws:
            ws.receive_json()
    with client.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
        assert Tab(ws).hello["type"] == "hello"


def test_the_frames_wait_for_the_page(client):
    with client.websocket_connect("/ws") as ws:
        ws.receive_json()  # hello
        ws.send_text(json.dumps({"type": "config", "config": {"dataset": "xor", "hidden": [2]}}))
        ws.send_text(json.dumps({"type": "play"}))
        kinds = []
        while kinds.count("frame") < 2:  # the state's frame and one trained: two unacknowledged, the window
            kinds.append(ws.receive_json()["type"])
        time.sleep(0.3)
        session = next(iter(client.app.state.playground.connections)).session
        epochs = session.epoch
        time.sleep(0.3)
        assert session.epoch == epochs  # no acknowledgement, no training
        ws.send_text(json.dumps({"type": "ack", "frame": 2}))
        assert ws.receive_json()["type"] == "frame"
