"""The command starts the server and prints its address; bad options and a busy port get one line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import require

ROOT = Path(__file__).resolve().parents[2]


def start(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize("command", [["-m", "nabla.playground"], ["-m", "nabla", "playground"]])
def test_the_command_serves_on_127_0_0_1_and_prints_the_address(command):
    require("starlette")
    require("uvicorn")
    process = start(*command, "--port", "0", "--no-browser")
    try:
        line = process.stdout.readline()
        assert line.startswith("nabla playground: http://127.0.0.1:"), line + process.stderr.read()
        url = line.split()[2]
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "status", timeout=5) as response:
                    assert json.load(response) == {"tabs": 0, "training": 0}
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        with urllib.request.urlopen(url, timeout=5) as response:
            assert b"nabla playground" in response.read()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_busy_port_and_a_bad_port_get_one_line():
    require("starlette")
    require("uvicorn")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "nabla.playground", "--port", str(port), "--no-browser"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "choose another --port" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    done = subprocess.run(
        [sys.executable, "-m", "nabla.playground", "--port", "70000", "--no-browser"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and "--port must be between 0 and 65535" in done.stderr
