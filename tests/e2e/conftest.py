"""Drives the real wxfleet window: tauri-driver -> WebKitWebDriver -> the built app binary.

Needs: a built app (`cargo build -p wxfleet-desktop`), `tauri-driver` on PATH (or ~/.cargo/bin),
/usr/bin/WebKitWebDriver (Debian: webkit2gtk-driver) and an X display (run.sh wraps pytest in xvfb-run).
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from urllib3.exceptions import ProtocolError
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-output" / "e2e"


def app_path() -> Path:
    """WXFLEET_APP if set, else the debug build in cargo's target dir (CARGO_TARGET_DIR or ./target)."""
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    return Path(os.environ.get("WXFLEET_APP") or target / "debug" / "wxfleet-desktop").resolve()


def tauri_driver_path() -> str:
    found = shutil.which("tauri-driver") or str(Path.home() / ".cargo" / "bin" / "tauri-driver")
    if not Path(found).exists():
        pytest.fail("tauri-driver not found: cargo install tauri-driver --locked --version '^2'")
    return found


def free_port() -> int:
    # The OS picks an unused port; it could be taken again before tauri-driver binds it, which is
    # unlikely enough on a test machine and fails loudly (the driver never answers) if it happens.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"tauri-driver exited early with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"tauri-driver did not listen on port {port} within {timeout} s")


@pytest.fixture(scope="session")
def tauri_driver():
    app = app_path()
    if not app.is_file():
        pytest.fail(f"no app binary at {app}: build it with `cargo build -p wxfleet-desktop` or set WXFLEET_APP")
    dist = REPO / "ui" / "dist"
    if dist.is_dir():
        newest = max(f.stat().st_mtime for f in dist.rglob("*") if f.is_file())
        if newest > app.stat().st_mtime:
            pytest.fail(f"{app} is older than ui/dist, so it embeds an older UI: run `cargo build -p wxfleet-desktop` first")
    if not os.environ.get("DISPLAY"):
        pytest.fail("no DISPLAY: run the suite through tests/e2e/run.sh (it uses xvfb-run)")
    port, native_port = free_port(), free_port()
    # The app inherits this environment: a key file instead of the OS keychain (none under Xvfb).
    env = {**os.environ, "WXFLEET_NO_KEYCHAIN": "1"}
    proc = subprocess.Popen(
        [tauri_driver_path(), "--port", str(port), "--native-port", str(native_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()  # its WebKitWebDriver child exits with it
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def workspace(tmp_path):
    """A new, empty workspace: the app starts as on a fresh machine (sandbox, demo data)."""
    return tmp_path / "workspace"


@pytest.fixture
def driver(tauri_driver, workspace):
    """A fresh app process per test: the session starts the app, quitting it ends the app."""
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {"application": str(app_path()), "args": ["--workspace", str(workspace)]})
    deadline = time.monotonic() + 30
    while True:
        try:
            connection = RemoteConnection(client_config=ClientConfig(remote_server_addr=tauri_driver))
            d = webdriver.Remote(command_executor=connection, options=options)
            break
        # The previous test's app may still be shutting down (saving the simulated world): a new
        # launch then hands over to it (single instance) and exits, and the session fails to start
        # — as a WebDriver error or a dropped connection. Try again until it has gone.
        except (WebDriverException, ProtocolError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    try:
        yield d
    finally:
        d.quit()


PAINT_TICKER_START = """
  const tick = document.createElement('div');
  tick.id = 'e2e-paint-ticker';
  tick.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;z-index:2147483647;pointer-events:none;background:#fff';
  document.body.appendChild(tick);
  let odd = false;
  window.__e2ePaintTicker = setInterval(() => { odd = !odd; tick.style.background = odd ? '#fefefe' : '#fff' }, 50);
"""
PAINT_TICKER_STOP = "clearInterval(window.__e2ePaintTicker); document.getElementById('e2e-paint-ticker')?.remove()"


@pytest.fixture
def screenshot(driver):
    """screenshot("name") saves test-output/e2e/name.png of the window as it is now."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        # WebKitWebDriver can return the previous frame right after a DOM change.
        time.sleep(0.3)
        path = SCREENSHOTS / f"{name}.png"
        # Without compositing (the app turns it off: src-tauri/src/renderer.rs) WebKitWebDriver's
        # screenshot waits for the next paint, and a still page never paints again: a pixel in the
        # corner changes shade (invisibly) until the screenshot is taken.
        driver.execute_script(PAINT_TICKER_START)
        try:
            assert driver.save_screenshot(str(path)), f"screenshot {path} failed"
        finally:
            driver.execute_script(PAINT_TICKER_STOP)
        return path

    return take
