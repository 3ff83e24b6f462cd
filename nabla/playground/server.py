"""The playground's web server: a Starlette app on uvicorn, the page's files, one WebSocket per tab.

Routes: ``/`` the page; ``/static/...`` its scripts and styles (all in this package: nothing is
loaded from the internet, and the page's Content-Security-Policy forbids it); ``/ws`` the WebSocket
of a tab (see :mod:`nabla.playground.connection`); ``/status`` how many tabs are connected and
training, as JSON.

nabla's grad mode and random generator are process-wide, so every tab's work runs on one engine
thread (:attr:`Playground.engine`); the event loop only moves messages. While the app runs, NumPy's
BLAS uses one thread (see ``lifespan``). A WebSocket whose ``Origin`` is another site is refused (a
web page you visit cannot drive your playground), and at most :data:`MAX_TABS` tabs are served at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
import threading
import webbrowser
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from threadpoolctl import threadpool_limits

from .connection import Connection
from .frames import hello_message
from .protocol import MAX_MESSAGE

STATIC = Path(__file__).resolve().parent / "static"
MAX_TABS = 32
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'"
)


class Playground:
    """The server's state: the engine thread, the open tabs, the ``hello`` message (made once)."""

    def __init__(self):
        self.engine = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nabla-playground-engine")
        self.connections: set[Connection] = set()
        self._hello: dict | None = None

    async def run(self, fn, *args):
        """``fn(*args)`` on the engine thread."""
        return await asyncio.get_running_loop().run_in_executor(self.engine, functools.partial(fn, *args))

    async def hello(self) -> dict:
        if self._hello is None:
            self._hello = await self.run(hello_message)
        return self._hello

    def status(self) -> dict:
        return {"tabs": len(self.connections), "training": sum(c.playing for c in self.connections)}


def _same_origin(headers) -> bool:
    """True when the socket comes from the page this server served (or from a program: no Origin)."""
    origin = headers.get("origin")
    return origin is None or urlsplit(origin).netloc == headers.get("host")


def create_app() -> Starlette:
    """The playground as an ASGI app (``uvicorn.run(create_app())``, or Starlette's ``TestClient``)."""
    playground = Playground()

    async def page(request):
        return FileResponse(
            STATIC / "index.html", headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"}
        )

    async def status(request):
        return JSONResponse(playground.status())

    async def tab(websocket):
        if not _same_origin(websocket.headers):
            await websocket.close(code=1008, reason="the playground takes sockets from its own page only")
            return
        await websocket.accept()
        if len(playground.connections) >= MAX_TABS:
            await websocket.send_json({"type": "error", "message": f"{MAX_TABS} tabs are open already; close one"})
            await websocket.close(code=1013)
            return
        connection = Connection(websocket, playground.run, await playground.hello())
        playground.connections.add(connection)
        try:
            await connection.serve()
        finally:
            playground.connections.discard(connection)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # NOTE: one BLAS thread. A tab's products are small (10,000 x 16 at most per heatmap); split over two
        # threads each waits at a barrier, and on a busy 2-core machine one heatmap's product took 20 ms
        # instead of 0.4 ms. Tabs run one at a time on the engine thread anyway.
        limits = threadpool_limits(limits=1, user_api="blas")
        yield
        # NOTE: wait for the frame in progress: nabla's grad mode is process-wide, and a frame finishing after
        # the app has stopped would switch it under whatever the process runs next.
        playground.engine.shutdown(wait=True, cancel_futures=True)
        limits.restore_original_limits()

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/status", status),
            WebSocketRoute("/ws", tab),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.playground = playground
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port), or a one-line error that says what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise SystemExit(
            f"nabla playground: cannot listen on {host}:{port} ({e.strerror}); choose another --port"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def make_server(app: Starlette | None = None):
    """A uvicorn server for the playground (``app``, or a new one); ``run(sockets=[bind(...)])`` serves."""
    import uvicorn

    config = uvicorn.Config(app or create_app(), log_level="warning", ws_max_size=MAX_MESSAGE + 1024, lifespan="on")
    return uvicorn.Server(config)


def serve(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True) -> None:
    """Run the playground until Ctrl+C, printing its address (and opening it in the browser)."""
    sock = bind(host, port)
    url = address(sock)
    print(f"nabla playground: {url}  (Ctrl+C to stop)", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"nabla playground: listening on {host}: other machines on the network can open it", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    make_server().run(sockets=[sock])
