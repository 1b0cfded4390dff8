"""A real headless Chromium for the HTML tests, driven over the DevTools protocol on a pipe.

``--remote-debugging-pipe`` makes Chromium read protocol messages from fd 3 and write its
answers and events to fd 4, each a JSON text ended by a NUL byte; so no WebSocket client and no
network port is needed. ``.ci/run`` installs Debian's ``chromium`` on a fresh machine.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
]


def chromium() -> str | None:
    """The path of a Chromium binary, or ``None``."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One Chromium process; :meth:`load` opens a page and records what happened."""

    def __init__(self, binary: str, profile: str) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # keep both child ends away from 3 and 4; bash (which, unlike dash, takes
        # descriptors above 9) moves them there for Chromium (no
        # preexec_fn: forking a process that runs threads is deprecated from Python 3.12)
        a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.close(to_child_r)
        os.close(from_child_w)
        script = f'exec "$0" "$@" 3<&{a} 4>&{b} {a}<&- {b}>&-'
        self.proc = subprocess.Popen(
            [
                shutil.which("bash") or "/bin/bash",
                "-c",
                script,
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(a, b),
        )
        os.close(a)
        os.close(b)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def _send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> int:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        return self._next

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 60,
    ) -> dict[str, Any]:
        """Send a command and wait for its result; events seen meanwhile go to ``events``."""
        ident = self._send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            msg = self._receive(deadline)
            if msg.get("id") == ident:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                result: dict[str, Any] = msg.get("result", {})
                return result
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 60) -> dict[str, Any]:
        """Wait for an event (or take it if it already came)."""
        for e in self.events:
            if e["method"] == method:
                return e
        deadline = time.monotonic() + timeout
        while True:
            msg = self._receive(deadline)
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return msg

    def close(self) -> None:
        try:
            self._send("Browser.close")
            self.proc.wait(timeout=20)
        except Exception:  # pragma: no cover - only when Chromium hangs
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._to_child)
            os.close(self._from_child)


class Page:
    """What loading one page in Chromium gave: events, evaluations, a screenshot, a PDF."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        got = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in got:
            raise RuntimeError(f"{expression}: {got['exceptionDetails']}")
        return got["result"].get("value")

    def events(self, method: str) -> list[dict[str, Any]]:
        return [
            e["params"]
            for e in self.browser.events
            if e["method"] == method and e.get("sessionId") == self.session
        ]

    @property
    def errors(self) -> list[str]:
        """Uncaught exceptions, console errors and log errors, in words."""
        out = [str(e["exceptionDetails"]) for e in self.events("Runtime.exceptionThrown")]
        out += [
            str(e["args"]) for e in self.events("Runtime.consoleAPICalled") if e["type"] == "error"
        ]
        out += [
            e["entry"]["text"]
            for e in self.events("Log.entryAdded")
            if e["entry"]["level"] == "error"
        ]
        out += [f"failed: {e}" for e in self.events("Network.loadingFailed")]
        return out

    @property
    def requests(self) -> list[str]:
        """Every URL the page asked for, the page itself included."""
        return [e["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def screenshot(self, width: int = 1200, clip: dict[str, float] | None = None) -> bytes:
        """A PNG of the whole page (or of ``clip``, in CSS pixels) at ``width`` CSS pixels."""
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": min(height, 16000), "deviceScaleFactor": 1, "mobile": False},
        )
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": True}
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
        return base64.b64decode(self.call("Page.captureScreenshot", params)["data"])

    def pdf(self) -> bytes:
        """The page printed to PDF (A4, print styles), as Chromium's print dialog would."""
        got = self.call("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})
        return base64.b64decode(got["data"])


@contextmanager
def browser() -> Iterator[Browser]:
    """A headless Chromium with a fresh profile; ``FileNotFoundError`` if none is installed."""
    binary = chromium()
    if binary is None:
        raise FileNotFoundError("no chromium on PATH (.ci/run installs Debian's chromium)")
    with tempfile.TemporaryDirectory(prefix="srpp-chromium-") as profile:
        b = Browser(binary, profile)
        try:
            yield b
        finally:
            b.close()


def open_page(b: Browser, url: str) -> Page:
    """Open ``url`` in a new tab, with the page, runtime, log and network domains watched."""
    target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    page = Page(b, session)
    for domain in ("Page", "Runtime", "Log", "Network"):
        page.call(f"{domain}.enable")
    b.events.clear()
    page.call("Page.navigate", {"url": url})
    b.wait_for("Page.loadEventFired")
    return page


def screenshots(folder: str) -> None:
    """Write the docs' screenshots of the shipped examples' pages into ``folder``.

    Run from the repository: ``python -m tests.browser docs/_static``.
    """
    import io
    import json
    import pathlib

    from PIL import Image

    import srpp
    from srpp._cli import examples
    from srpp._writers.html import portfolio_html, recommendation_html

    def doc(name: str, where: str) -> Any:
        return json.loads(examples(where)[name].read_text("utf-8"))

    pages = {
        "case-record.png": recommendation_html(srpp.recommend(doc("laptop-framework", "examples"))),
        "portfolio.png": portfolio_html(srpp.prioritise(doc("plan-2027", "portfolios"))),
        "screening.png": srpp.screen_html(srpp.screen("tests/notices")),  # run from the repo
    }
    out = pathlib.Path(folder)
    with tempfile.TemporaryDirectory() as tmp, browser() as b:
        for name, html in pages.items():
            path = pathlib.Path(tmp, name + ".html")
            path.write_text(html, "utf-8")
            page = open_page(b, path.as_uri())
            page.screenshot(width=1100)
            png = page.screenshot(width=1100, clip={"x": 0, "y": 0, "width": 1100, "height": 1500})
            im = Image.open(io.BytesIO(png)).convert("RGB")
            im = im.resize((770, 1050), Image.Resampling.LANCZOS)
            im.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(out / name, optimize=True)


if __name__ == "__main__":
    import sys

    screenshots(sys.argv[1])
