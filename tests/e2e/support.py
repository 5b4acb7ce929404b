"""What every end-to-end test does with the window: wait, call the core through the page's own IPC
(set-up and ground truth, never what is tested), navigate, click past toasts, move the simulator's
clock."""

import json
import time
import urllib.request

from selenium.common.exceptions import ElementClickInterceptedException, NoSuchFrameException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


# A page that sends the browser on (the relay's authorization entry page) can unload while WebKit's
# driver is still looking for an element; that is a moment of the navigation, not a failure.
NAVIGATING = (NoSuchFrameException, StaleElementReferenceException)


def wait(driver, timeout=20):
    return WebDriverWait(driver, timeout, ignored_exceptions=NAVIGATING)


def invoke_reply(driver, command, args=None):
    """The command's reply as `{"ok": True, "value": …}` or `{"ok": False, "error": "<json>"}`."""
    return driver.execute_async_script(
        """
        const [command, args, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
        window.__TAURI_INTERNALS__.invoke(command, args ?? {}).then(
          (value) => done({ ok: true, value }),
          (error) => done({ ok: false, error: JSON.stringify(error) }),
        );
        """,
        command,
        args or {},
    )


def invoke(driver, command, args=None, tolerate=()):
    """The command's value; fails the test on an error, unless its errcode is in `tolerate`."""
    reply = invoke_reply(driver, command, args)
    assert reply["ok"] or any(f'"errcode":{code}' in reply["error"] for code in tolerate), (command, reply)
    return reply.get("value")


def started(driver):
    """Waits for the first start (sandbox up, demo data seeded) to reach the dashboard."""
    wait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-test=page-dashboard]")))


def show(driver, route, page):
    """Navigates to `route` (`#/…`) and waits for the page whose data-test is `page`."""
    driver.execute_script("location.hash = arguments[0]", route)
    return wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, f"[data-test={page}]")))


def click(driver, element):
    """Clicks once nothing covers the element any more (a loading mask, a toast, a closing drawer)."""
    driver.execute_script("arguments[0].scrollIntoView({ block: 'center' })", element)
    for _ in range(20):
        try:
            wait(driver).until(EC.element_to_be_clickable(element)).click()
            return
        except ElementClickInterceptedException:
            time.sleep(0.25)
    driver.execute_script("arguments[0].click()", element)


def advance_simulator(driver, secs):
    """Moves the simulated WeChat's clock on (its audits end 30 virtual seconds after submission)."""
    url = invoke(driver, "desk_status")["simulator_url"].rstrip("/") + "/admin/clock"
    request = urllib.request.Request(url, json.dumps({"advance_secs": secs}).encode(), {"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
