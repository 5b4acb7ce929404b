//! The consent pages a merchant's administrator sees (reference §3.3): the PC page
//! (`/cgi-bin/componentloginpage`, on the real platform a QR code the admin scans) and the mobile
//! page (`/safe/bindcomponent`, `/wxaopen/safe/bindcomponent`, opened inside WeChat).
//!
//! In the simulator both show what the admin sees after scanning: a choice of mini program (each
//! demo merchant's admin is named) and the permission sets, all ticked. Confirming posts the form
//! back to the same path; the browser is then sent to `redirect_uri?auth_code=…&expires_in=600`.
//! The rules live in [`crate::world::consent`], shared with `POST /admin/consent`.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{LOCATION, REFERER};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::extract::query_param;
use crate::world::consent::{Candidate, Confirmation, ConsentRefusal, PageRequest, PageView, PERMISSION_SETS};
use crate::Sim;

/// The most accounts one page lists; a search narrows them down.
const MAX_LISTED: usize = 200;

/// Which consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Pc,
    Mobile,
}

/// The routes of this area.
pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/cgi-bin/componentloginpage", get(pc_page).post(pc_confirm))
        .route("/safe/bindcomponent", get(mobile_page).post(mobile_confirm))
        .route("/wxaopen/safe/bindcomponent", get(mobile_page).post(mobile_confirm))
}

async fn pc_page(State(sim): State<Sim>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    page(&sim, Form::Pc, &headers, query.as_deref())
}

async fn mobile_page(State(sim): State<Sim>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    page(&sim, Form::Mobile, &headers, query.as_deref())
}

async fn pc_confirm(State(sim): State<Sim>, body: Bytes) -> Response {
    confirm(&sim, Form::Pc, &body)
}

async fn mobile_confirm(State(sim): State<Sim>, body: Bytes) -> Response {
    confirm(&sim, Form::Mobile, &body)
}

fn page(sim: &Sim, form: Form, headers: &HeaderMap, query: Option<&str>) -> Response {
    let param = |name| query_param(query, name);
    let mut request = PageRequest {
        component_appid: param("component_appid").unwrap_or_default(),
        pre_auth_code: param("pre_auth_code").unwrap_or_default(),
        redirect_uri: param("redirect_uri").unwrap_or_default(),
        auth_type: param("auth_type"),
        biz_appid: param("biz_appid"),
        referer: headers.get(REFERER).and_then(|v| v.to_str().ok()).map(str::to_owned),
    };
    let search = param("q").unwrap_or_default();
    let opened = sim.with_world(|world, now| {
        // The page's own search form links back here: that Referer is the simulator itself, and
        // the page was already opened (and checked) from the launch domain.
        let from_own_page = request.referer.as_deref().is_some_and(|r| same_origin(r, sim.base_url()))
            && world.consent.pre_auth_codes.get(&request.pre_auth_code).is_some_and(|c| c.page.is_some());
        if from_own_page {
            let launch_domain = world.platforms.get(&request.component_appid).map(|p| p.launch_domain.clone()).unwrap_or_default();
            request.referer = Some(format!("http://{launch_domain}/"));
        }
        world.open_consent_page(&request, now)
    });
    match opened {
        Ok(view) => Html(render_page(form, &view, query.unwrap_or(""), &search)).into_response(),
        Err(refusal) => error_page(form, &refusal),
    }
}

fn same_origin(url: &str, base: &url::Url) -> bool {
    url::Url::parse(url).is_ok_and(|u| u.host_str() == base.host_str() && u.port_or_known_default() == base.port_or_known_default())
}

fn confirm(sim: &Sim, form: Form, body: &[u8]) -> Response {
    let mut confirmation = Confirmation::default();
    for (name, value) in url::form_urlencoded::parse(body) {
        match &*name {
            "component_appid" => confirmation.component_appid = Some(value.into_owned()),
            "pre_auth_code" => confirmation.pre_auth_code = value.into_owned(),
            "authorizer_appid" => confirmation.authorizer_appid = value.into_owned(),
            "func_id" => {
                if let Ok(id) = value.parse() {
                    confirmation.func_ids.push(id);
                }
            }
            _ => {}
        }
    }
    match sim.with_world(|world, now| world.confirm_consent(&confirmation, now)) {
        Ok(consented) => match consented.redirect {
            Some(location) => (StatusCode::FOUND, [(LOCATION, location)]).into_response(),
            None => Html(shell(form, "授权成功", "<p class=\"ok\">授权成功。</p>")).into_response(),
        },
        Err(refusal) => error_page(form, &refusal),
    }
}

/// WeChat shows its errors as a page answered with HTTP 200; so does the simulator. The
/// `data-error` attribute lets tests tell the refusals apart.
fn error_page(form: Form, refusal: &ConsentRefusal) -> Response {
    let kind = match refusal {
        ConsentRefusal::UnknownComponent(_) => "unknown_component",
        ConsentRefusal::InvalidPreAuthCode => "invalid_pre_auth_code",
        ConsentRefusal::ExpiredPreAuthCode => "expired_pre_auth_code",
        ConsentRefusal::UsedPreAuthCode => "used_pre_auth_code",
        ConsentRefusal::WrongLaunchDomain { .. } => "wrong_launch_domain",
        ConsentRefusal::RedirectOffDomain { .. } => "redirect_off_domain",
        ConsentRefusal::BadParameter(_) => "bad_parameter",
        ConsentRefusal::UnknownAccount(_) => "unknown_account",
        ConsentRefusal::AccountNotAllowed(_) => "account_not_allowed",
        ConsentRefusal::NoPermissionSet => "no_permission_set",
        ConsentRefusal::UnknownPermissionSet(_) => "unknown_permission_set",
    };
    let body = format!("<div class=\"error\" data-error=\"{kind}\"><h2>无法授权</h2><p>{}</p></div>", escape(&refusal.to_string()));
    Html(shell(form, "授权失败", &body)).into_response()
}

fn render_page(form: Form, view: &PageView, query: &str, search: &str) -> String {
    let needle = search.trim().to_lowercase();
    let matching: Vec<&Candidate> = view
        .candidates
        .iter()
        .filter(|c| {
            needle.is_empty()
                || c.nickname.to_lowercase().contains(&needle)
                || c.appid.contains(&needle)
                || c.admin_wechat.to_lowercase().contains(&needle)
        })
        .collect();
    let mut out = String::new();
    out.push_str(&format!(
        "<p class=\"lead\"><b>{}</b>（{}）申请获得你的小程序的以下权限。</p>",
        escape(&view.platform_name),
        escape(&view.component_appid)
    ));
    out.push_str(match form {
        Form::Pc => "<p class=\"note\">真实平台在此显示二维码，由小程序管理员用微信扫码后在手机上确认；模拟器直接显示确认页。</p>",
        Form::Mobile => "<p class=\"note\">真实平台在微信内打开此页，由小程序管理员确认；模拟器中任何浏览器都可以。</p>",
    });
    if let Some(reason) = view.no_candidates_reason {
        out.push_str(&format!("<div class=\"error\" data-error=\"no_accounts\"><p>{}</p></div>", escape(reason)));
        return shell(form, "授权", &out);
    }
    if view.candidates.len() > 20 {
        out.push_str("<form method=\"get\" class=\"search\">");
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()).filter(|(name, _)| name != "q") {
            out.push_str(&format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(&name), escape(&value)));
        }
        out.push_str(&format!(
            "<input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"按名称、appid 或管理员微信号搜索\" aria-label=\"搜索小程序\"><button type=\"submit\">搜索</button></form>",
            escape(search)
        ));
    }
    out.push_str("<form method=\"post\" class=\"confirm\">");
    out.push_str(&format!("<input type=\"hidden\" name=\"component_appid\" value=\"{}\">", escape(&view.component_appid)));
    out.push_str(&format!("<input type=\"hidden\" name=\"pre_auth_code\" value=\"{}\">", escape(&view.pre_auth_code)));
    out.push_str(&format!(
        "<label for=\"authorizer_appid\">选择要授权的小程序（{} 个{}）</label>",
        matching.len(),
        if matching.len() > MAX_LISTED { format!("，显示前 {MAX_LISTED} 个") } else { String::new() }
    ));
    out.push_str("<select id=\"authorizer_appid\" name=\"authorizer_appid\" required>");
    for c in matching.iter().take(MAX_LISTED) {
        out.push_str(&format!(
            "<option value=\"{}\">{}（{}）· 管理员 {} · {}{}</option>",
            escape(&c.appid),
            escape(&c.nickname),
            escape(&c.appid),
            escape(&c.admin_wechat),
            escape(&c.principal_name),
            if c.already_authorized { " · 已授权，将更新授权" } else { "" }
        ));
    }
    out.push_str("</select>");
    out.push_str("<fieldset><legend>授权权限集</legend>");
    for set in PERMISSION_SETS {
        out.push_str(&format!(
            "<label class=\"perm\"><input type=\"checkbox\" name=\"func_id\" value=\"{}\" checked> {}{}<small>（权限集 {}）</small></label>",
            set.id,
            escape(set.name),
            if set.exclusive { " <em>互斥</em>" } else { "" },
            set.id
        ));
    }
    out.push_str("</fieldset>");
    out.push_str("<p class=\"note\">互斥权限集同一时间只能授权给一个第三方平台；已授权给其他平台的不会重复授予。</p>");
    out.push_str("<button type=\"submit\" class=\"primary\">授权</button></form>");
    shell(form, "授权", &out)
}

const STYLE: &str = "body{margin:0;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;background:#f2f2f2;color:#191919}\
main{max-width:560px;margin:0 auto;padding:16px}header{font-size:13px;color:#888;margin-bottom:8px}\
h1{font-size:20px;margin:8px 0 16px}.card{background:#fff;border-radius:8px;padding:16px}\
.lead{font-size:16px}.note{font-size:13px;color:#888}label{display:block;margin:12px 0 6px}\
select,input[type=search]{width:100%;box-sizing:border-box;font-size:15px;padding:8px;border:1px solid #ccc;border-radius:4px}\
fieldset{border:1px solid #e5e5e5;border-radius:4px;margin:12px 0;padding:8px 12px}.perm{margin:8px 0}\
.perm small{color:#888}.perm em{font-style:normal;font-size:12px;color:#fa9d3b}\
.search{display:flex;gap:8px;margin:8px 0}.search button{white-space:nowrap;padding:8px 12px}\
button.primary{width:100%;font-size:17px;padding:12px;background:#07c160;color:#fff;border:0;border-radius:4px;margin-top:8px}\
.error{background:#fff3f3;border:1px solid #f5c2c2;border-radius:4px;padding:8px 12px;color:#a40000}.ok{color:#07c160;font-size:17px}";

fn shell(form: Form, title: &str, body: &str) -> String {
    let kind = match form {
        Form::Pc => "PC 授权页",
        Form::Mobile => "移动端授权页",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} - 微信公众平台（模拟）</title><style>{STYLE}</style></head><body><main><header>wxfleet-sim · 模拟的{kind}</header>\
<h1>{}</h1><div class=\"card\">{body}</div></main></body></html>",
        escape(title),
        escape(title)
    )
}

/// Text and attribute values as HTML: every character that could end either is escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
