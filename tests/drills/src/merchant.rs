//! The merchant's side of an authorization, as a phone's browser does it, without a browser.

use crate::procs::http;

/// Opens an authorization link: the relay's entry page, WeChat's consent page opened from it (with
/// the entry page as Referer, as WeChat requires), the form confirmed for `appid` with permission
/// sets 17, 18 and 30, and the redirect followed to the relay's "done" page.
pub async fn merchant_consents(link_url: &str, component_appid: &str, appid: &str) {
    let browser = http();
    let entry = browser.get(link_url).send().await.unwrap();
    assert_eq!(entry.status(), 200, "the relay's entry page");
    let consent = consent_href(&entry.text().await.unwrap());
    let page = browser.get(&consent).header("Referer", link_url).send().await.unwrap();
    assert_eq!(page.status(), 200, "WeChat's consent page");
    assert!(page.text().await.unwrap().contains(appid), "the consent page offers the merchant's mini program");
    let pre_auth_code = url::Url::parse(&consent).unwrap().query_pairs().find(|(k, _)| k == "pre_auth_code").unwrap().1.into_owned();
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("component_appid", component_appid),
            ("pre_auth_code", &pre_auth_code),
            ("authorizer_appid", appid),
            ("func_id", "17"),
            ("func_id", "18"),
            ("func_id", "30"),
        ])
        .finish();
    let confirmed = browser
        .post(&consent)
        .header("Referer", link_url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 302, "the consent page redirects");
    let back = confirmed.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.contains("/authorized?link=") && back.contains("auth_code="), "{back}");
    let done = browser.get(&back).send().await.unwrap();
    assert_eq!(done.status(), 200, "the relay's /authorized page");
}

/// The `href` of the relay entry page's button (the consent page), unescaped.
fn consent_href(page: &str) -> String {
    let start = page.find("id=\"go\"").expect("the entry page links to the consent page");
    let href = &page[start..];
    let href = &href[href.find("href=\"").unwrap() + 6..];
    href[..href.find('"').unwrap()].replace("&amp;", "&")
}
