"""The real window: shell, About page against the real `about` command, language switch, CSP."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

NAV_IDS = [
    "nav-dashboard",
    "nav-miniPrograms",
    "nav-authorize",
    "nav-templates",
    "nav-campaigns",
    "nav-events",
    "nav-auditLog",
    "nav-settings",
    "nav-about",
]


def wait(driver, timeout=10):
    return WebDriverWait(driver, timeout)


def invoke(driver, command):
    """Calls a command through the page's own IPC, bypassing the UI: the ground truth to compare with."""
    return driver.execute_async_script(
        """
        const [command, done] = [arguments[0], arguments[arguments.length - 1]];
        window.__TAURI_INTERNALS__.invoke(command).then(
          (value) => done({ ok: true, value }),
          (error) => done({ ok: false, error: String(error) }),
        );
        """,
        command,
    )


def test_a_first_start_opens_the_sandbox_on_the_dashboard(driver, screenshot, workspace):
    wait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-test=page-dashboard]")))
    assert driver.title == "wxfleet"
    assert [e.get_attribute("id") for e in driver.find_elements(By.CSS_SELECTOR, "[data-test=nav-item]")] == NAV_IDS
    assert driver.find_element(By.ID, "nav-dashboard").text == "仪表盘"
    assert driver.find_element(By.ID, "sandbox-badge").text == "沙箱"
    # The workspace the app was given holds the sandbox: the simulated world and the relay's log.
    assert (workspace / "wxfleet.db").is_file()
    assert (workspace / "sandbox" / "relay.db").is_file()
    screenshot("dashboard-zh")


def test_about_shows_the_self_test_the_core_reports(driver, screenshot):
    wait(driver).until(EC.element_to_be_clickable((By.ID, "nav-about"))).click()
    summary = wait(driver).until(EC.visibility_of_element_located((By.ID, "selftest-summary")))

    reply = invoke(driver, "about")
    assert reply["ok"], reply
    about = reply["value"]
    report = about["selfTest"]
    assert report["passed"] + report["failed"] == len(report["cases"])

    assert int(summary.get_attribute("data-passed")) == report["passed"]
    assert int(summary.get_attribute("data-failed")) == report["failed"]
    assert summary.text == f"通过 {report['passed']} 项，失败 {report['failed']} 项"
    rows = driver.find_elements(By.CSS_SELECTOR, "[data-test=selftest-case]")
    assert len(rows) == len(report["cases"])
    for row, case in zip(rows, report["cases"]):
        assert row.get_attribute("data-ok") == ("true" if case["ok"] else "false")
        assert case["name"] in row.text
        assert row.find_element(By.CSS_SELECTOR, ".case-mark").text == ("✓" if case["ok"] else "✗")

    assert driver.find_element(By.ID, "about-app-version").text == about["appVersion"]
    assert driver.find_element(By.ID, "about-tauri-version").text == about["tauriVersion"]
    assert driver.find_element(By.ID, "about-wechat-version").text == about["wechatVersion"]
    assert about["tauriVersion"].startswith("2.")
    screenshot("about-zh")

    # The shipped build must agree with its own vectors; a failure shows the warning, and fails here.
    warnings = driver.find_elements(By.ID, "selftest-warning")
    assert report["failed"] == 0, [c for c in report["cases"] if not c["ok"]]
    assert not warnings


def test_switching_language_relabels_the_shell(driver, screenshot):
    nav_about = wait(driver).until(EC.visibility_of_element_located((By.ID, "nav-about")))
    assert nav_about.text == "关于"
    driver.find_element(By.ID, "nav-about").click()
    wait(driver).until(EC.visibility_of_element_located((By.ID, "selftest-summary")))

    driver.find_element(By.ID, "lang-en").click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "nav-about"), "About"))
    assert driver.find_element(By.ID, "nav-settings").text == "Settings"
    assert driver.find_element(By.CSS_SELECTOR, "[data-test=page-about] h2").text == "About wxfleet"
    assert " passed, " in driver.find_element(By.ID, "selftest-summary").text
    screenshot("about-en")

    driver.find_element(By.ID, "lang-zh-CN").click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "nav-about"), "关于"))


def test_csp_is_enforced_and_element_plus_still_styles(driver):
    wait(driver).until(EC.presence_of_element_located((By.ID, "nav-dashboard")))
    # No 'unsafe-eval' in the policy: eval must be refused.
    assert driver.execute_script("try { eval('1'); return 'allowed' } catch (e) { return e.name }") == "EvalError"
    # No remote origins in connect-src: the policy itself refuses the request (not merely the network).
    violated = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        document.addEventListener('securitypolicyviolation', (e) => done(e.effectiveDirective), { once: true });
        fetch('https://example.invalid/').catch(() => {});
        setTimeout(() => done('no violation reported'), 3000);
        """
    )
    assert violated == "connect-src", violated
    # Stylesheets still apply under the policy: Element Plus's variables and our own scoped styles...
    primary = driver.execute_script("return getComputedStyle(document.documentElement).getPropertyValue('--el-color-primary')")
    assert primary.strip() == "#409eff", primary
    header_height = driver.execute_script("return getComputedStyle(document.querySelector('.shell-header')).height")
    assert header_height == "56px", header_height
    # ...and so does Element Plus's own styling of the active item (it fades in, hence the wait).
    wait(driver).until(
        lambda d: d.execute_script("return getComputedStyle(document.getElementById('nav-dashboard')).color") == "rgb(64, 158, 255)"
    )


def test_a_failed_case_shows_the_warning(driver, screenshot):
    """The real vectors pass, so a failed case is injected into the real IPC reply to see the warning render.

    Tauri's `invoke` cannot be replaced (it is a read-only property), but on Linux it travels as a
    fetch to ipc://localhost/<command>, and `fetch` can be wrapped. That the wrapper sees the call
    also shows the custom-protocol IPC works under the CSP (it falls back to postMessage when blocked).
    """
    wait(driver).until(EC.presence_of_element_located((By.ID, "nav-about")))
    driver.execute_script(
        """
        const realFetch = window.fetch.bind(window);
        window.fetch = async (input, init) => {
          const response = await realFetch(input, init);
          const url = String(input instanceof Request ? input.url : input);
          if (!url.endsWith('/about') || response.headers.get('Tauri-Response') !== 'ok') return response;
          const value = await response.json();
          value.selfTest.cases.push({ name: 'injected by the e2e test', ok: false, detail: 'expected 6a6f, got 6a70' });
          value.selfTest.failed += 1;
          window.__wxfleetE2eInjected = true;
          return new Response(JSON.stringify(value), { status: response.status, headers: response.headers });
        };
        """
    )
    driver.find_element(By.ID, "nav-about").click()
    warning = wait(driver).until(EC.visibility_of_element_located((By.ID, "selftest-warning")))
    assert driver.execute_script("return window.__wxfleetE2eInjected === true")
    summary = driver.find_element(By.ID, "selftest-summary")
    assert summary.get_attribute("data-state") == "failed"
    assert int(summary.get_attribute("data-failed")) >= 1
    assert "失败" in warning.text
    assert "injected by the e2e test" in [li.text for li in warning.find_elements(By.CSS_SELECTOR, ".failed-names li")]
    failed = driver.find_elements(By.CSS_SELECTOR, "[data-test=selftest-case][data-ok=false]")
    assert failed and failed[-1].find_element(By.CSS_SELECTOR, ".case-detail").text == "expected 6a6f, got 6a70"
    assert failed[-1].find_element(By.CSS_SELECTOR, ".case-mark").text == "✗"
    screenshot("about-failed-zh")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", failed[-1])
    screenshot("about-failed-case-zh")
