"""Drive ``dibsim view`` in a real browser: serve it on a free local port, open it in
headless Debian chromium through Playwright, move a slider and wait for the rerun.

Used by the end-to-end test (``tests/test_view_browser.py``) and by ``dibsim view
--screenshot``. Nothing here downloads a browser: it uses the system's ``chromium``
(:data:`CHROMIUM`) and the Playwright driver that its pip package bundles.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: The system browser (Debian's package; ``.ci/run`` installs it).
CHROMIUM = "/usr/bin/chromium"
#: Flags for a headless chromium that stays offline and quiet.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run")
#: Seconds the server may take to answer its health check.
START_TIMEOUT_S = 90.0


def missing() -> str | None:
    """Why the browser cannot run here (``None`` when it can)."""
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install 'dibsim[test]')"
    if importlib.util.find_spec("streamlit") is None:
        return "streamlit is not installed (pip install 'dibsim[view]')"
    if not (Path(CHROMIUM).is_file() or shutil.which("chromium")):
        return f"no chromium at {CHROMIUM} (.ci/run installs Debian's chromium)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(args: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> Iterator[str]:
    """Run ``dibsim view ARGS --port <free>`` and yield its address; the server is stopped
    (its whole process group) whatever happens.

    Raises:
        RuntimeError: when the server does not answer within :data:`START_TIMEOUT_S`.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "dibsim.experiments.cli", "view", *args,
                             "--port", str(port)], env={**os.environ, **(env or {})},
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        if log:
            out.close()  # type: ignore[union-attr]


def _wait_healthy(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dibsim view exited with code {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"dibsim view did not answer at {url} within {START_TIMEOUT_S:.0f} s")


@contextlib.contextmanager
def browser_page(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A page of headless system chromium (closed afterwards)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).is_file()
                                     else shutil.which("chromium"), args=list(CHROMIUM_ARGS))
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def first_delta(page: Any, timeout_s: float = 120.0) -> str:
    """The text of the first headline metric's value and delta, once the page shows them."""
    metric = page.locator('[data-testid="stMetric"]').first
    metric.wait_for(timeout=timeout_s * 1000)
    return metric.inner_text()


#: True while the app runs: Streamlit's running widget is up or a stale element is shown.
_BUSY = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && "
         "!document.querySelector('[data-stale=\"true\"]')")


def wait_idle(page: Any, timeout_s: float = 120.0, settle_s: float = 0.5) -> None:
    """Wait until the app has finished its run: neither the running widget nor a stale
    element for ``settle_s`` seconds.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_function(_BUSY, timeout=max(1.0, deadline - time.monotonic()) * 1000)
        time.sleep(settle_s)
        if page.evaluate(_BUSY):
            return
    raise TimeoutError(f"the app was still running after {timeout_s:.0f} s")


def open_barrier(page: Any, key: str) -> Any:
    """Open a barrier's expander in the sidebar; returns the expander."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]').filter(
        has=page.locator("summary", has_text=f"{key} —")).first
    box.locator("summary").click()
    return box


def slider_thumb(scope: Any, label: str) -> Any:
    """The thumb of the first slider whose label holds ``label`` inside ``scope`` (focused)."""
    box = scope.locator('[data-testid="stSlider"]').filter(has_text=label).first
    box.scroll_into_view_if_needed()
    thumb = box.locator('input[type="range"], [role="slider"]').first
    thumb.focus()
    return thumb


def wait_changed(page: Any, before: str, timeout_s: float = 120.0) -> tuple[str, float]:
    """Wait for the first metric to show something other than ``before``; (text, seconds)."""
    start = time.perf_counter()
    deadline = start + timeout_s
    while time.perf_counter() < deadline:
        now = page.locator('[data-testid="stMetric"]').first.inner_text()
        if now != before:
            return now, time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"the headline figure did not change within {timeout_s:.0f} s")
