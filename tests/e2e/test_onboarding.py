"""Onboarding in the real window against the sandbox: an authorization link driven through the
simulator's real consent page, the template library with its ext schema editor, and a merchant's
ext configuration saved from the form that schema yields."""

import json
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from support import click, invoke, show, started, wait

SCHEMA = {
    "type": "object",
    "required": ["shopName", "theme"],
    "x-order": ["shopName", "theme", "layout", "pageSize", "showCart", "modules"],
    "properties": {
        "shopName": {"type": "string", "title": "店铺名称", "maxLength": 20, "description": "显示在首页顶部"},
        "theme": {
            "type": "object",
            "title": "主题",
            "required": ["primary"],
            "x-order": ["primary", "accent"],
            "properties": {
                "primary": {"type": "string", "title": "主色", "pattern": "^#[0-9A-Fa-f]{6}$"},
                "accent": {"type": "string", "title": "强调色", "format": "color", "default": "#07C160"},
            },
        },
        "layout": {"type": "string", "title": "首页布局", "enum": ["grid", "list"], "default": "grid"},
        "pageSize": {"type": "integer", "title": "每页商品数", "minimum": 1, "maximum": 50, "default": 10},
        "showCart": {"type": "boolean", "title": "显示购物车", "default": True},
        "modules": {"type": "array", "title": "首页模块", "items": {"type": "string", "enum": ["banner", "coupon", "news"]}},
    },
}


def set_text(driver, element, text):
    """Replaces a textarea's text the way typing would (an `input` event), without typing it key by key."""
    driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }))",
        element,
        text,
    )


def define_schema(driver):
    """Opens the newest template of the library and saves SCHEMA as its ext schema; returns its id."""
    show(driver, "#/templates", "page-templates")
    rows = wait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-test=template-row]"))
    newest = rows[0].get_attribute("data-template-id")
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#tpl-library .el-loading-mask"))
    click(driver, driver.find_element(By.ID, f"tpl-edit-{newest}"))
    editor = wait(driver).until(EC.visibility_of_element_located((By.ID, "tpl-schema-editor")))
    set_text(driver, editor, "{ not json")
    error = wait(driver).until(EC.visibility_of_element_located((By.ID, "tpl-schema-error")))
    assert "JSON" in error.text
    assert driver.find_element(By.ID, "tpl-schema-save").get_attribute("disabled") is not None
    set_text(driver, editor, json.dumps(SCHEMA, ensure_ascii=False, indent=2))
    preview = driver.find_element(By.ID, "tpl-schema-preview")
    wait(driver).until(lambda d: preview.get_attribute("data-state") == "ready")
    fields = preview.find_elements(By.CSS_SELECTOR, "[data-test=ext-field]")
    kinds = {f.get_attribute("data-pointer"): f.get_attribute("data-kind") for f in fields if f.get_attribute("data-pointer")}
    assert list(kinds) == ["/shopName", "/theme", "/theme/primary", "/theme/accent", "/layout", "/pageSize", "/showCart", "/modules"]
    assert kinds["/shopName"] == "string"
    assert kinds["/theme/primary"] == "color"
    assert kinds["/layout"] == "enum"
    assert kinds["/pageSize"] == "integer"
    assert kinds["/showCart"] == "boolean"
    assert kinds["/modules"] == "enum-list"
    assert preview.find_element(By.ID, "ext-field-theme-accent").get_attribute("value") == "#07C160"
    click(driver, driver.find_element(By.ID, "tpl-schema-save"))
    # Saved through the core (which checked it is a JSON Schema): the library row now says so.
    wait(driver).until(lambda d: invoke(d, "template_meta", {"componentAppid": platform(d), "templateId": int(newest)}).get("ext_schema") == SCHEMA)
    return int(newest)


def platform(driver):
    return invoke(driver, "platforms")[0]["component_appid"]


def test_authorize_a_merchant_through_the_consent_page(driver, screenshot):
    started(driver)
    show(driver, "#/authorize", "page-authorize")
    app_url = driver.current_url
    before = {a["appid"] for a in invoke(driver, "authorizers", {"filter": {"status": "authorized"}})}

    click(driver, driver.find_element(By.ID, "auth-mode-pc"))
    click(driver, driver.find_element(By.ID, "auth-create"))
    qr = wait(driver, 15).until(EC.visibility_of_element_located((By.ID, "auth-qr")))
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert driver.find_element(By.ID, "auth-state").get_attribute("data-state") == "pending"
    assert ":" in driver.find_element(By.ID, "auth-countdown").text
    url = driver.find_element(By.ID, "auth-link").text
    newest = invoke(driver, "links", {"filter": {"limit": 1}})[0]
    assert url == newest["url"], "the link shown is exactly the link the core made"
    assert newest["mode"] == "pc"
    screenshot("authorize")

    # The merchant's side, in this same window: the relay's entry page sends the browser on to the
    # simulator's consent page (with the relay as Referer, as WeChat requires).
    driver.get(url)
    select = Select(wait(driver, 15).until(EC.presence_of_element_located((By.ID, "authorizer_appid"))))
    fresh = [o for o in select.options if "已授权" not in o.text and o.get_attribute("value") not in before]
    assert len(fresh) == 6, [o.text for o in select.options]
    chosen = fresh[0].get_attribute("value")
    select.select_by_value(chosen)
    screenshot("authorize-consent")
    click(driver, driver.find_element(By.CSS_SELECTOR, "form.confirm button[type=submit]"))
    # WeChat redirects to the relay's redirect_uri, which shows the merchant it is done.
    wait(driver, 15).until(lambda d: "/authorized" in d.current_url)

    # Back in the app: the push came through the relay; the link is done with the new appid.
    driver.get(app_url)
    wait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-test=page-authorize]")))
    # The link followed before leaving is shown again, now done, with the authorized appid.
    wait(driver, 15).until(lambda d: d.find_element(By.ID, "auth-state").get_attribute("data-state") == "done")
    assert driver.find_element(By.ID, "auth-done-appid").text == chosen
    assert driver.find_element(By.ID, "auth-link").text == url
    row = f"[data-test=link-row][data-link-id='{newest['id']}'][data-state=done]"
    wait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, row))
    assert chosen in driver.find_element(By.ID, "auth-recent").text
    assert invoke(driver, "link", {"id": newest["id"]})["appid"] == chosen
    assert chosen in {a["appid"] for a in invoke(driver, "authorizers", {"filter": {"status": "authorized"}})}
    screenshot("authorize-done")


def test_templates_library_and_ext_schema_editor(driver, screenshot):
    started(driver)
    show(driver, "#/templates", "page-templates")
    library = invoke(driver, "templates", {"componentAppid": platform(driver)})
    rows = wait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-test=template-row]"))
    assert sorted(int(r.get_attribute("data-template-id")) for r in rows) == sorted(t["template_id"] for t in library)
    assert len(rows) >= 1
    template_id = define_schema(driver)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#tpl-library [data-test=template-row][data-template-id='{template_id}']"))
    driver.execute_script("document.getElementById('tpl-schema-editor').scrollIntoView({ block: 'start' })")
    screenshot("templates")
    driver.execute_script("window.scrollTo(0, 0); document.querySelector('[data-test=page-templates]').scrollIntoView()")
    screenshot("templates-library")
    # The sandbox's draft box holds the newest upload, not yet in the library.
    click(driver, driver.find_element(By.CSS_SELECTOR, "#tab-drafts"))
    drafts = wait(driver).until(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "[data-test=draft-row]") if r.is_displayed()])
    assert drafts


def test_merchant_config_from_the_schema_form(driver, screenshot):
    started(driver)
    template_id = define_schema(driver)
    appid = invoke(driver, "authorizers", {"filter": {"status": "authorized"}})[0]["appid"]
    show(driver, f"#/mini-programs/{appid}/config", "page-merchant-config")
    shop = wait(driver, 15).until(EC.visibility_of_element_located((By.ID, "ext-field-ext-shopName")))
    # A merchant without a configuration starts on the newest template: the one given the schema.
    assert f"#{template_id} " in driver.find_element(By.CSS_SELECTOR, "[data-test=merchant-config] .toolbar .el-select").text
    # Live check by the core: the required fields without defaults are named at their fields.
    issue = "[data-test=ext-field][data-pointer='/ext/theme/primary'] [data-test=ext-issue]"
    wait(driver, 10).until(EC.visibility_of_element_located((By.CSS_SELECTOR, issue)))

    # Saving as is is refused, each issue at its field.
    click(driver, driver.find_element(By.ID, "ext-save"))
    wait(driver, 10).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-test=problem]")))
    assert driver.find_elements(By.CSS_SELECTOR, "[data-test=ext-issue][data-pointer='/ext/shopName']")

    shop.send_keys("好运小店")
    driver.find_element(By.ID, "ext-field-ext-theme-primary").send_keys("#FF6600")
    wait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-test=ext-check-state]").get_attribute("data-state") == "valid")
    click(driver, driver.find_element(By.ID, "ext-save"))
    change = "#ext-diff [data-test=ext-change][data-pointer='/ext']"
    wait(driver, 10).until(EC.visibility_of_element_located((By.CSS_SELECTOR, change)))
    saved = invoke(driver, "ext_config", {"appid": appid})
    assert saved["template_id"] == template_id
    assert saved["config"]["ext"]["shopName"] == "好运小店"
    assert saved["config"]["ext"]["theme"] == {"primary": "#FF6600", "accent": "#07C160"}
    assert "好运小店" in driver.find_element(By.ID, "ext-diff").text
    assert driver.find_elements(By.CSS_SELECTOR, f"#ext-history [data-test=ext-revision][data-id='{saved['id']}']")
    time.sleep(0.2)
    screenshot("merchant-config")
