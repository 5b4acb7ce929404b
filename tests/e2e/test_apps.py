"""The mini programs list and one mini program's tabs against the sandbox (24 authorized demo merchants)."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from support import click, invoke_reply as invoke, wait

TABS = ["overview", "basic", "categories", "domains", "privacy", "testers", "payment", "versions", "qrcodes", "merchant"]


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "[data-test=app-row]")


def test_the_list_search_and_every_tab_of_a_mini_program(driver, screenshot):
    wait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-test=page-dashboard]")))
    wait(driver).until(EC.element_to_be_clickable((By.ID, "nav-miniPrograms"))).click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-test=page-mini-programs]")))
    wait(driver).until(lambda d: len(rows(d)) >= 24)
    assert len(rows(driver)) == 24
    assert driver.find_element(By.ID, "apps-count").text.strip() in ("24 / 24 个", "24 / 24")
    screenshot("apps-list")

    # Search one by its name.
    first = rows(driver)[0]
    appid = first.get_attribute("data-appid")
    name = first.find_element(By.CSS_SELECTOR, ".name").get_attribute("textContent").strip()
    assert name
    search = driver.find_element(By.CSS_SELECTOR, "#apps-search")
    search.send_keys(name)
    wait(driver).until(lambda d: 1 <= len(rows(d)) < 24)
    assert appid in [r.get_attribute("data-appid") for r in rows(driver)]
    assert all(name.lower() in r.get_attribute("textContent").lower() for r in rows(driver))
    screenshot("apps-search")

    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    wait(driver).until(lambda d: len(rows(d)) == 24)

    # Open it.
    click(driver, driver.find_element(By.CSS_SELECTOR, f"[data-test=app-row][data-appid='{appid}']"))
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-test=page-mini-program-detail]")))
    assert driver.find_element(By.ID, "detail-appid").text == appid
    wait(driver).until(lambda d: d.find_elements(By.ID, "detail-name") and d.find_element(By.ID, "detail-name").text == name)
    overview = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=tab-overview] [data-test=overview-appid]")))
    assert overview.text == appid
    assert driver.find_elements(By.CSS_SELECTOR, "[data-test=tab-overview] [data-test=granted-set]")
    screenshot("app-overview")

    for tab in TABS[1:]:
        if tab in ("versions", "qrcodes"):
            continue
        click(driver, driver.find_element(By.ID, f"tab-{tab}"))
        if tab != "merchant":
            pane = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, f"[data-test=tab-{tab}]")))
            wait(driver).until(lambda d: not pane.find_elements(By.CSS_SELECTOR, ".el-loading-mask:not([style*='display: none'])"))
        screenshot(f"app-{tab}")

    # Nothing committed yet: the trial QR code shows WeChat's error with its explanation.
    click(driver, driver.find_element(By.ID, "tab-qrcodes"))
    click(driver, wait(driver).until(EC.element_to_be_clickable((By.ID, "qr-experience"))))
    problem = wait(driver, 20).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=tab-qrcodes] [data-test=problem]")))
    assert problem.get_attribute("data-errcode") == "86001", problem.text
    screenshot("app-qrcodes-uncommitted")

    # Commit a demo template (through the IPC, as the campaign area would): the versions tab shows it
    # and the trial QR code is generated.
    platform = invoke(driver, "platforms")["value"][0]["component_appid"]
    templates = invoke(driver, "templates", {"componentAppid": platform})
    assert templates["ok"] and templates["value"], templates
    template = templates["value"][0]
    committed = invoke(
        driver, "commit", {"appid": appid, "spec": {"template_id": template["template_id"], "user_version": "9.9.9", "user_desc": "e2e"}}
    )
    assert committed["ok"], committed
    click(driver, driver.find_element(By.ID, "tab-versions"))
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-test=version-event][data-kind=commit]"))
    assert "9.9.9" in driver.find_element(By.CSS_SELECTOR, "[data-test=version-event][data-kind=commit]").text
    screenshot("app-versions")

    click(driver, driver.find_element(By.ID, "tab-qrcodes"))
    click(driver, driver.find_element(By.ID, "qr-experience"))
    image = wait(driver, 20).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=qr-experience-image] img")))
    assert image.get_attribute("src").startswith("data:image/")
    assert driver.execute_script("return arguments[0].naturalWidth", image) > 0
    screenshot("app-qrcodes")


def test_selected_rows_open_the_campaign_wizard_with_their_appids(driver, screenshot):
    wait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-test=page-dashboard]")))
    click(driver, wait(driver).until(EC.element_to_be_clickable((By.ID, "nav-miniPrograms"))))
    wait(driver).until(lambda d: len(rows(d)) >= 24)
    picked = [r.get_attribute("data-appid") for r in rows(driver)[:2]]
    for appid in picked:
        click(driver, driver.find_element(By.CSS_SELECTOR, f"[data-test=app-select][data-appid='{appid}']"))
    assert driver.find_element(By.ID, "apps-create-campaign").text.endswith("(2)") or "2" in driver.find_element(By.ID, "apps-create-campaign").text
    screenshot("apps-selected")
    click(driver, driver.find_element(By.ID, "apps-create-campaign"))
    wait(driver).until(lambda d: "/campaigns/new" in d.current_url)
    assert f"appids={picked[0]}%2C{picked[1]}" in driver.current_url or f"appids={picked[0]},{picked[1]}" in driver.current_url
