//! The rows of the error-code table.
//!
//! Sources: the project's API reference (every code its per-endpoint sections and §12 name, plus the
//! WXBizMsgCrypt sample codes of §1.6), cross-checked with WxJava's `WxOpenErrorMsgEnum` (a copy of the
//! official 全局返回码 list) and `WxMaErrorMsgEnum`, from which the codes a third-party platform meets
//! were added. `meaning_zh` keeps WeChat's own wording where a source gives it; where the official
//! wording is misleading (WxJava's text for 61004 and 40125 is copied from other codes) the reference
//! wins. `0` is success, not an error, and has no row.

use super::{ErrorClass, ErrorClass::*, Explanation};

/// One row: `meaning` and `remedy` are `[zh, en]` pairs. No row names a permission set yet: the codes
/// that are about one (61007, 61017) do not say which, so the caller supplies it.
const fn row(code: i64, class: ErrorClass, meaning: [&'static str; 2], remedy: [&'static str; 2]) -> Explanation {
    Explanation {
        code,
        class,
        permission_set: None,
        meaning_zh: meaning[0],
        meaning_en: meaning[1],
        remedy_zh: remedy[0],
        remedy_en: remedy[1],
    }
}

/// Every code the project knows, in ascending order (a test keeps it sorted and unique, and
/// [`super::explain`] relies on that for its binary search).
pub static TABLE: &[Explanation] = &[
    // --- WXBizMsgCrypt (local crypto of pushes, §1.6): raised by our own decoder, never by the API ---
    row(
        -40011,
        Final,
        ["生成回包 XML 失败", "Building the reply XML failed"],
        [
            "程序内部错误：回包内容无法写入 XML。请把日志（含原始推送）反馈给开发人员。",
            "Internal error: the reply could not be written as XML. Send the log, including the raw push, to the developers.",
        ],
    ),
    row(
        -40010,
        Final,
        ["Base64 解码失败", "Base64 decoding failed"],
        [
            "推送中的 Encrypt 不是合法的 Base64，或配置的 EncodingAESKey 无法解码：从第三方平台「开发资料」重新复制 43 位的消息加解密 Key 到设置中。若只有个别推送失败，可能是伪造请求，可忽略。",
            "The push's Encrypt field is not valid Base64, or the configured EncodingAESKey cannot be decoded: copy the 43-character message encryption key from the platform's 开发资料 (Development info) page into Settings again. If only a few pushes fail, they are probably forged and can be ignored.",
        ],
    ),
    row(
        -40009,
        Final,
        ["Base64 编码失败", "Base64 encoding failed"],
        [
            "程序内部错误：加密回包时编码失败。请把日志反馈给开发人员。",
            "Internal error while encoding an encrypted reply. Send the log to the developers.",
        ],
    ),
    row(
        -40008,
        Final,
        ["解密后得到的数据不合法（填充或长度错误）", "The decrypted buffer is illegal (bad padding or length)"],
        [
            "几乎总是 EncodingAESKey 与第三方平台上的不一致（平台上改过 Key 而本机未更新）：从「开发资料」重新复制消息加解密 Key。中转与桌面端必须使用同一个 Key。",
            "Almost always the EncodingAESKey differs from the platform's (it was changed on the platform but not here): copy the message encryption key from 开发资料 (Development info) again. The relay and the desktop must use the same key.",
        ],
    ),
    row(
        -40007,
        Final,
        ["AES 解密失败", "AES decryption failed"],
        [
            "EncodingAESKey 错误或推送内容被改动：核对「开发资料」中的消息加解密 Key；确认中转原样转发了请求体（没有被代理改写或截断）。",
            "Wrong EncodingAESKey or an altered push body: check the message encryption key on 开发资料 (Development info), and make sure the relay forwards the body unchanged (no proxy rewriting or truncating it).",
        ],
    ),
    row(
        -40006,
        Final,
        ["AES 加密失败", "AES encryption failed"],
        [
            "检查设置中的 EncodingAESKey 是否为 43 位字母数字；若配置无误则是程序缺陷，请反馈日志。",
            "Check that the EncodingAESKey in Settings is 43 letters and digits; if it is, this is a bug: send the log to the developers.",
        ],
    ),
    row(
        -40005,
        Final,
        ["校验 AppID 失败（解密结果不是发给本平台的）", "AppID check failed (the decrypted message is addressed to another appid)"],
        [
            "确认设置中的第三方平台 AppID 与发出推送的平台一致；不要让两个第三方平台共用同一个接收 URL（会互相覆盖 ticket）。",
            "Make sure the component AppID in Settings is the platform that sends these pushes, and that no second platform shares the same receiving URL (they overwrite each other's ticket).",
        ],
    ),
    row(
        -40004,
        Final,
        ["EncodingAESKey 非法", "Illegal EncodingAESKey"],
        [
            "EncodingAESKey 必须是 43 位字母和数字：从第三方平台「开发资料」完整复制（不要带空格或等号）。",
            "The EncodingAESKey must be exactly 43 letters and digits: copy it in full from the platform's 开发资料 (Development info) page, without spaces or a trailing '='.",
        ],
    ),
    row(
        -40003,
        Final,
        ["计算 SHA1 签名失败", "Computing the SHA1 signature failed"],
        ["程序内部错误，请把日志反馈给开发人员。", "Internal error: send the log to the developers."],
    ),
    row(
        -40002,
        Final,
        ["XML 解析失败", "Parsing the XML failed"],
        [
            "推送请求体不是合法的 XML 或被截断：确认中转原样转发请求体；若是扫描器等发来的无关请求，可忽略。",
            "The push body is not well-formed XML or was truncated: make sure the relay forwards the body unchanged. Unrelated requests (e.g. from scanners) can be ignored.",
        ],
    ),
    row(
        -40001,
        Final,
        ["签名校验失败", "Signature verification failed"],
        [
            "设置中的消息校验 Token 与第三方平台「开发资料」中的不一致，或校验用了 signature 而不是 msg_signature。核对 Token（区分大小写）；若只是偶发，可能是伪造请求，应拒绝。",
            "The message Token in Settings differs from the one on the platform's 开发资料 (Development info) page, or 'signature' was checked instead of 'msg_signature'. Compare the Token (case-sensitive); occasional failures are likely forged requests and must be rejected.",
        ],
    ),
    // --- The API's own codes ---
    row(
        -1,
        Transient,
        ["系统繁忙，此时请开发者稍候再试", "System busy; retry later"],
        [
            "稍后重试（退避几秒到一分钟）。若同一请求持续返回 -1，用 errmsg 中的 rid 调用 openapi/rid/get 查看原因。",
            "Retry with backoff (a few seconds up to a minute). If the same request keeps returning -1, look up the rid from errmsg with openapi/rid/get.",
        ],
    ),
    row(
        40001,
        TokenInvalid,
        [
            "获取 access_token 时 AppSecret 错误，或者 access_token 无效",
            "Invalid credential: wrong AppSecret when fetching the token, or the access_token is invalid or not the latest",
        ],
        [
            "若出现在获取 component_access_token（api_component_token）时，说明第三方平台 AppSecret 错误：到「开发资料」核对或重置（重置后旧值立即失效，须同步更新本工具与中转），这种情况重试无用。其他接口：刷新令牌后重试一次。若刚刷新的令牌也很快失效，说明还有别的系统在为同一平台或小程序刷新令牌——令牌只能由一处统一获取，其他系统改为向它取。同时确认令牌类型：代小程序调用用 authorizer_access_token，平台接口用 component_access_token。",
            "When it comes from fetching the component_access_token (api_component_token), the platform AppSecret is wrong: check or reset it on 开发资料 (Development info) - a reset invalidates the old one at once, so update this app and the relay - and do not retry. On any other call: refresh the token and retry once. If a freshly obtained token is rejected soon after, another system is refreshing tokens for the same platform or mini program; exactly one place may fetch tokens and the others must ask it. Also check the token kind: authorizer_access_token for calls on behalf of a mini program, component_access_token for platform calls.",
        ],
    ),
    row(
        40004,
        Final,
        ["不合法的媒体文件类型", "Invalid media type"],
        [
            "上传临时素材时 type 须为 image（头像、营业执照、类目资质、审核截图都是图片），且文件本身须是 JPG/PNG/BMP/GIF。",
            "Upload temporary media with type=image (avatars, licences, category certificates and audit screenshots are all images), and make sure the file really is JPG/PNG/BMP/GIF.",
        ],
    ),
    row(
        40005,
        Final,
        ["上传素材文件格式不对", "Invalid file type for the upload"],
        [
            "把文件转成 JPG 或 PNG（不要只改扩展名）后重新上传。",
            "Convert the file to JPG or PNG (not just renaming the extension) and upload it again.",
        ],
    ),
    row(
        40006,
        Final,
        ["上传素材文件大小超出限制", "The uploaded file is too large"],
        [
            "压缩图片后重新上传（头像不超过 2 MB）。",
            "Compress the image and upload it again (avatars: at most 2 MB).",
        ],
    ),
    row(
        40007,
        Final,
        ["不合法的媒体文件 id", "Invalid media_id"],
        [
            "media_id 已过期（临时素材 3 天有效）或不是用这个小程序的令牌上传的：用该小程序的 authorizer_access_token 重新上传，再用新的 media_id 重试。",
            "The media_id expired (temporary media lasts 3 days) or was uploaded with another account's token: upload the file again with this mini program's authorizer_access_token and retry with the new media_id.",
        ],
    ),
    row(
        40009,
        Final,
        ["图片尺寸太大", "Image too large"],
        [
            "把图片压缩到 2 MB 以内、适当缩小尺寸后重新上传，再用新的 media_id 重试。",
            "Compress the image below 2 MB and reduce its dimensions, upload it again and retry with the new media_id.",
        ],
    ),
    row(
        40013,
        Final,
        ["不合法的 AppID", "Invalid AppID"],
        [
            "核对 AppID（区分大小写，不要有空格）。调用 clear_quota 时 appid 必须是令牌所属账号：平台用 component_access_token 配平台 AppID，小程序用它自己的 authorizer_access_token 配小程序 AppID。",
            "Check the AppID (case-sensitive, no spaces). For clear_quota the appid must own the token: the platform AppID with the component_access_token, a mini program's AppID with its own authorizer_access_token.",
        ],
    ),
    row(
        40014,
        TokenInvalid,
        ["不合法的 access_token", "Invalid access_token"],
        [
            "刷新令牌后重试一次。若仍失败，检查令牌是否被截断或混用（平台令牌与小程序令牌不能互换），以及是否有别的系统在刷新同一令牌。",
            "Refresh the token and retry once. If it still fails, check that the token was not truncated or mixed up (platform and mini-program tokens are not interchangeable) and that no other system refreshes the same token.",
        ],
    ),
    row(
        40029,
        Final,
        ["无效的 code", "Invalid code"],
        [
            "jscode2session 的 js_code 无效：只能用一次、5 分钟内有效，且必须来自这个小程序的 wx.login()。让小程序重新调用 wx.login() 取新 code。",
            "The js_code for jscode2session is invalid: it works once, within 5 minutes, and only for the mini program whose wx.login() produced it. Have the mini program call wx.login() again for a new code.",
        ],
    ),
    row(
        40097,
        Final,
        ["参数错误", "Invalid arguments"],
        [
            "按文档核对请求字段：例如小程序码的 env_version 只能是 release、trial、develop，width 在 280–1280 之间。",
            "Check the request fields against the docs: e.g. for mini-program codes env_version must be release, trial or develop and width 280-1280.",
        ],
    ),
    row(
        40125,
        Final,
        ["无效的 AppSecret", "Invalid AppSecret"],
        [
            "到第三方平台「开发资料」核对 AppSecret（是平台的，不是某个小程序的）；如已重置，须同步更新本工具和中转的配置。",
            "Check the AppSecret on the platform's 开发资料 (Development info) page - the platform's own, not a mini program's. If it was reset, update this app's and the relay's configuration.",
        ],
    ),
    row(
        40159,
        Final,
        ["path 长度不合法，或数据不是 JSON 字符串", "Invalid path length, or the body is not a JSON string"],
        [
            "getwxacode 的 path 不超过 1024 字节（createwxaqrcode 不超过 128），请求体必须是 JSON（不能用表单）。",
            "The getwxacode path must be at most 1024 bytes (createwxaqrcode: 128), and the body must be JSON, not a form.",
        ],
    ),
    row(
        40163,
        Final,
        ["code 已被使用", "The code has already been used"],
        [
            "每个 js_code 只能换取一次会话：让小程序重新调用 wx.login() 取新 code，不要重复提交同一个。",
            "Each js_code can be exchanged once: have the mini program call wx.login() again and never resend the same code.",
        ],
    ),
    row(
        40164,
        Final,
        ["调用接口的 IP 地址不在白名单中", "The calling IP is not in the whitelist"],
        [
            "把本机的出口 IP（接口调用经中转的出口代理发出时，则是中转服务器的出口 IP）加入白名单：平台令牌的调用加到第三方平台「开发资料」的 IP 白名单；用小程序自己的 AppSecret 取令牌的调用，加到小程序后台「开发管理 → 开发设置 → IP 白名单」。然后重试。",
            "Add this machine's egress IP - or the relay's, when API calls go through its egress proxy - to the whitelist: for calls with platform tokens, the IP whitelist on the platform's 开发资料 (Development info) page; for tokens fetched with a mini program's own AppSecret, the mini program's 开发管理 > 开发设置 > IP白名单. Then retry.",
        ],
    ),
    row(
        40169,
        Final,
        ["scene 长度不合法，或数据不是 JSON 字符串", "Invalid scene length, or the body is not a JSON string"],
        [
            "getwxacodeunlimit 的 scene 最多 32 个可见字符，只能用数字、大小写字母和 !#$&'()*+,/:;=?@-._~，不能有中文或 %；较长的参数先存到服务端，scene 只放短 ID。",
            "The getwxacodeunlimit scene holds at most 32 visible characters from digits, letters and !#$&'()*+,/:;=?@-._~ - no Chinese, no '%'. Store longer parameters server-side and put only a short id in the scene.",
        ],
    ),
    row(
        40189,
        Final,
        ["width 不合法", "Invalid width"],
        ["小程序码 width 取 280 到 1280 之间（默认 430）。", "Use a mini-program code width between 280 and 1280 (default 430)."],
    ),
    row(
        41001,
        TokenInvalid,
        ["缺少 access_token 参数", "access_token missing"],
        [
            "请求没有带令牌（多半是令牌尚未获取成功或缓存丢失）：重新获取令牌后重试一次；若持续出现，是程序缺陷，请反馈。",
            "The request carried no token (usually it was never obtained or the cache lost it): fetch the token again and retry once. If it persists, it is a bug: report it.",
        ],
    ),
    row(
        41002,
        Final,
        ["缺少 appid 参数", "appid missing"],
        [
            "请求缺少 appid：检查设置里的第三方平台 AppID 或所选小程序是否为空；调用 clear_quota 时必须填 appid。",
            "The request lacks the appid: check that the component AppID in Settings, or the selected mini program, is not empty; clear_quota needs the appid.",
        ],
    ),
    row(
        41004,
        Final,
        ["缺少 secret 参数", "secret missing"],
        [
            "尚未配置第三方平台 AppSecret：在设置中填写（来自「开发资料」）后重试。",
            "The platform AppSecret is not configured: enter it in Settings (from 开发资料, Development info) and retry.",
        ],
    ),
    row(
        41005,
        Final,
        ["缺少多媒体文件数据", "Media data missing"],
        [
            "上传的文件为空：重新选择文件后上传（multipart 字段名为 media）。",
            "The uploaded file is empty: pick the file again and upload it (multipart field 'media').",
        ],
    ),
    row(
        41006,
        Final,
        ["缺少 media_id 参数", "media_id missing"],
        [
            "先用该小程序的令牌上传图片取得 media_id，再把它填进请求。",
            "Upload the image with this mini program's token first and put the returned media_id into the request.",
        ],
    ),
    row(
        41018,
        Final,
        ["缺少 component_appid 参数", "component_appid missing"],
        [
            "设置中的第三方平台 AppID 为空：填写后重试。",
            "The component AppID in Settings is empty: fill it in and retry.",
        ],
    ),
    row(
        41030,
        Final,
        ["page 路径不正确，需要保证在现网版本小程序中存在，与 app.json 保持一致", "Invalid page: it must exist in the released version, as in app.json"],
        [
            "page 必须是已发布版本里存在的页面，不能以 / 开头，不能带参数（参数放 scene）。页面还没发布时，先发布，或设置 check_path=false，或用 env_version 指定体验版/开发版。",
            "The page must exist in the released version, with no leading '/' and no query (put parameters into scene). If the page is not released yet, release first, or pass check_path=false, or choose the trial/develop env_version.",
        ],
    ),
    row(
        41033,
        Final,
        ["只允许通过 api 创建的小程序使用", "Only for mini programs registered through the API"],
        [
            "该接口只对通过快速注册创建的小程序开放；其他小程序请让商家在小程序后台自行修改。",
            "This API only works for mini programs created by fast registration; for the others the merchant must make the change in the mini program's admin console.",
        ],
    ),
    row(
        42001,
        TokenInvalid,
        ["access_token 超时", "access_token expired"],
        [
            "刷新令牌后重试一次。若令牌刚获取不久就过期，检查本机时钟和缓存有效期（应比 expires_in 提前几分钟刷新）。",
            "Refresh the token and retry once. If tokens expire soon after being fetched, check this machine's clock and the cache lifetime (refresh a few minutes before expires_in).",
        ],
    ),
    row(
        42006,
        TokenInvalid,
        ["component_access_token 已过期", "component_access_token expired"],
        [
            "用最新的 component_verify_ticket 重新获取 component_access_token 后重试一次。",
            "Fetch a new component_access_token with the latest component_verify_ticket and retry once.",
        ],
    ),
    row(
        42007,
        Permission,
        ["用户修改微信密码，accesstoken 和 refreshtoken 失效，需要重新授权", "The user changed the WeChat password; access and refresh tokens are void and authorization is needed again"],
        [
            "令牌无法自动恢复：请商家管理员重新扫码授权。",
            "The tokens cannot be recovered automatically: ask the merchant's admin to authorize again.",
        ],
    ),
    row(
        43001,
        Final,
        ["需要 GET 请求", "GET required"],
        [
            "本工具用错了 HTTP 方法，是程序缺陷：请把 errmsg（含 rid）反馈给开发人员。",
            "This app used the wrong HTTP method - a bug: send the errmsg (with its rid) to the developers.",
        ],
    ),
    row(
        43002,
        Final,
        ["需要 POST 请求", "POST required"],
        [
            "本工具用错了 HTTP 方法，是程序缺陷：请把 errmsg（含 rid）反馈给开发人员。",
            "This app used the wrong HTTP method - a bug: send the errmsg (with its rid) to the developers.",
        ],
    ),
    row(
        43003,
        Final,
        ["需要 HTTPS 请求", "HTTPS required"],
        [
            "检查设置中的 API 地址：必须是 https://（或经中转出口代理访问 https://api.weixin.qq.com）。",
            "Check the API base URL in Settings: it must be https:// (or go through the relay's egress proxy to https://api.weixin.qq.com).",
        ],
    ),
    row(
        44002,
        Final,
        ["POST 的数据包为空", "Empty POST body"],
        [
            "部分接口即使没有参数也要求请求体为 {}：这是程序缺陷，请把 errmsg（含 rid）反馈给开发人员。",
            "Some endpoints need a '{}' body even without parameters - a bug in this app: send the errmsg (with its rid) to the developers.",
        ],
    ),
    row(
        45001,
        Final,
        ["多媒体文件大小超过限制", "Media file too large"],
        ["压缩文件后重新上传。", "Compress the file and upload it again."],
    ),
    row(
        45009,
        Quota,
        ["接口调用超过限制", "API daily quota reached"],
        [
            "该接口今天的调用次数已用完（代小程序调用消耗该小程序自己的额度，平台令牌的调用消耗平台额度）。等次日 0 点自动恢复；紧急时用 clear_quota 重置（每个账号每月 10 次；获取令牌的接口和小程序码这类总量型接口不能重置）。getwxacodeunlimit 等还有每分钟限制，等一分钟即可。先用 openapi/quota/get 查看用量，并检查是否有程序在循环调用（例如每次请求都重新取令牌）。",
            "Today's calls to this API are used up (calls on behalf of a mini program count against that mini program, platform-token calls against the platform). It resets at 00:00; in an emergency reset it with clear_quota (10 per account per month; token-fetching APIs and total-count APIs such as getwxacode cannot be reset). getwxacodeunlimit and a few others also have per-minute limits: wait a minute. Check usage with openapi/quota/get, and look for a program calling in a loop (e.g. fetching a new token for every request).",
        ],
    ),
    row(
        45011,
        Transient,
        ["API 调用太频繁，请稍候再试", "API minute quota reached; slow down"],
        [
            "降低调用频率，等到下一分钟再重试（批量操作时加间隔）。",
            "Slow down and retry in the next minute (space out batch operations).",
        ],
    ),
    row(
        45029,
        Quota,
        ["生成码个数总和到达最大个数限制", "The total count of generated codes has reached its limit"],
        [
            "getwxacode 和 createwxaqrcode 共享每个小程序终身 10 万个的总量，用完不会恢复，也不能用 clear_quota 重置：改用 getwxacodeunlimit（数量不限，参数放在 scene 里）。",
            "getwxacode and createwxaqrcode share a lifetime total of 100,000 codes per mini program; it never resets and clear_quota cannot reset it. Switch to getwxacodeunlimit (unlimited; put the parameters into scene).",
        ],
    ),
    row(
        45035,
        Final,
        ["调用来源 IP 未注册，不在 IP 白名单中", "The calling IP is not registered in the IP whitelist"],
        [
            "把本机的出口 IP（接口调用经中转的出口代理发出时，则是中转服务器的出口 IP）加入第三方平台「开发资料」中的 IP 白名单，再重试。",
            "Add this machine's egress IP - or the relay's, when API calls go through its egress proxy - to the platform's IP whitelist under 开发资料 (Development info), then retry.",
        ],
    ),
    row(
        45063,
        Final,
        ["令牌不属于小程序", "The access token does not belong to a mini program"],
        [
            "该接口只能用小程序的令牌调用：确认所选授权方是小程序而不是公众号，并使用它的 authorizer_access_token。",
            "This API needs a mini program's token: make sure the selected authorizer is a mini program, not an Official Account, and use its authorizer_access_token.",
        ],
    ),
    row(
        45104,
        Quota,
        ["域名修改次数已达上限", "Domain change quota reached"],
        [
            "域名修改申请有月度上限（文档称每月 50 次）：下月再改。平时把多个改动合并成一次 set 请求，不要逐个 add。",
            "Domain change requests are limited per month (the docs say 50): change them next month. Merge changes into one 'set' request instead of many single 'add' calls.",
        ],
    ),
    row(
        46001,
        Final,
        ["不存在媒体数据，media_id 不存在", "No such media: the media_id does not exist"],
        [
            "media_id 错误或已过期（临时素材 3 天有效）：用该小程序的令牌重新上传图片，再用新的 media_id 重试。",
            "The media_id is wrong or expired (temporary media lasts 3 days): upload the image again with this mini program's token and retry with the new media_id.",
        ],
    ),
    row(
        47001,
        Final,
        ["解析 JSON/XML 内容错误", "Data format error: the JSON/XML body could not be parsed"],
        [
            "请求体格式不对：常见是 ext_json 传成了对象（必须是 JSON 字符串）、数字传成了字符串、用了表单。检查自己填写的 ext_json 是否是合法 JSON；若内容无误，是程序缺陷，请把 errmsg（含 rid）反馈给开发人员。",
            "The body is malformed: typically ext_json sent as an object (it must be a JSON string), numbers sent as strings, or a form body. Check that the ext_json you entered is valid JSON; if it is, this is a bug: send the errmsg (with its rid) to the developers.",
        ],
    ),
    row(
        48001,
        Permission,
        ["api 功能未授权", "API unauthorized"],
        [
            "该账号没有此接口的权限：① 确认用对了令牌（代小程序调用须用 authorizer_access_token，不能用平台令牌或小程序自己的令牌）；② 查看授权信息 func_info，若商家没勾选该接口所属权限集，请商家重新授权并勾选；③ 部分接口要求小程序已认证或属特定主体、类目，请商家在小程序后台确认。",
            "The account has no right to this API: (1) check the token - calls on behalf of a mini program need its authorizer_access_token, not the platform's or the mini program's own token; (2) check func_info: if the merchant did not grant the permission set of this API, ask them to authorize again and tick it; (3) some APIs need a verified account or a particular subject type or category - the merchant checks that in the mini program's admin console.",
        ],
    ),
    row(
        48004,
        Final,
        ["api 接口被封禁，请登录 mp.weixin.qq.com 查看详情", "API forbidden for irregularities; see mp.weixin.qq.com for details"],
        [
            "请商家登录小程序后台（mp.weixin.qq.com）查看封禁原因和期限，整改或申诉后再用。",
            "Ask the merchant to log in to mp.weixin.qq.com to see the reason and duration, then rectify or appeal.",
        ],
    ),
    row(
        48006,
        Quota,
        ["api 禁止清零调用次数，因为清零次数达到上限", "Quota reset refused: the monthly reset limit is reached"],
        [
            "本月 10 次清零机会已用完：等每日 0 点额度自动恢复，或下月再清零。",
            "This month's 10 quota resets are used up: wait for the daily reset at 00:00, or reset again next month.",
        ],
    ),
    row(
        53010,
        Final,
        ["名称格式不合法", "Invalid name format"],
        [
            "修改名称：不能含「小程序」等字样和特殊符号，长度须为 4–30 个字符（一个汉字算两个）。可先用 checkwxverifynickname 预检。",
            "Change the name: no words such as 小程序 ('mini program') and no special symbols, 4-30 characters long (a Chinese character counts as two). Pre-check it with checkwxverifynickname.",
        ],
    ),
    row(
        53011,
        Quota,
        ["名称检测命中频率限制", "Name check frequency limit reached"],
        [
            "名称检测调用太频繁：暂停改名操作，过几个小时再试，不要批量反复检测。",
            "Name checks were called too often: stop renaming for a few hours, and do not check names in tight batches.",
        ],
    ),
    row(
        53012,
        Final,
        ["禁止使用该名称", "This name is forbidden"],
        ["换一个名称。", "Choose another name."],
    ),
    row(
        53013,
        Final,
        ["该名称与已有小程序名称重复", "The name duplicates an existing mini program's name"],
        [
            "换一个名称；若商家拥有该品牌，可在小程序后台凭商标材料发起侵权投诉。",
            "Choose another name; if the merchant owns the brand, they can file an infringement complaint with trademark proof in the mini program's admin console.",
        ],
    ),
    row(
        53014,
        Final,
        ["小程序已有{名称 A+}时，需与该帐号相同主体才可申请{名称 A}", "A mini program named 'A+' exists; only its subject may take 'A'"],
        ["换一个名称，或由与该账号相同的主体申请。", "Choose another name, or apply under the same subject as that account."],
    ),
    row(
        53015,
        Final,
        ["该名称与已有公众号名称重复，需与该公众号帐号相同主体才可申请", "The name duplicates an Official Account's; only the same subject may use it"],
        ["换一个名称，或由与该公众号相同的主体申请。", "Choose another name, or apply under the same subject as that Official Account."],
    ),
    row(
        53016,
        Final,
        ["该名称与已有多个公众号名称重复，暂不支持申请", "The name duplicates several Official Accounts' names and cannot be applied for"],
        ["换一个名称。", "Choose another name."],
    ),
    row(
        53017,
        Final,
        ["公众号已有{名称 A+}时，需与该帐号相同主体才可申请{名称 A}", "An Official Account named 'A+' exists; only its subject may take 'A'"],
        ["换一个名称，或由与该公众号相同的主体申请。", "Choose another name, or apply under the same subject as that Official Account."],
    ),
    row(
        53018,
        Final,
        ["名称命中微信号", "The name matches an existing WeChat ID"],
        ["换一个名称。", "Choose another name."],
    ),
    row(
        53019,
        Final,
        ["名称在保护期内", "The name is in a protection period"],
        ["换一个名称，或等保护期结束后再申请。", "Choose another name, or apply after the protection period ends."],
    ),
    row(
        53200,
        Quota,
        ["本月功能介绍修改次数已用完", "This month's description (signature) changes are used up"],
        [
            "下月再改；可在 getaccountbasicinfo 的 signature_info 中查看已用次数和额度。",
            "Change it next month; getaccountbasicinfo's signature_info shows the used count and the quota.",
        ],
    ),
    row(
        53201,
        Final,
        ["功能介绍内容命中黑名单关键字", "The description contains blacklisted words"],
        ["修改功能介绍，去掉敏感或夸大用语后重试。", "Rewrite the description without sensitive or exaggerated wording and retry."],
    ),
    row(
        53202,
        Quota,
        ["本月头像修改次数已用完", "The avatar change quota is used up"],
        [
            "等额度恢复后再改（提示说按月，新文档称每年 5 次）；getaccountbasicinfo 的 head_image_info 显示已用次数和额度。",
            "Wait for the quota to reset (the message says monthly; newer docs say 5 changes a year); getaccountbasicinfo's head_image_info shows the used count and the quota.",
        ],
    ),
    row(
        53300,
        Quota,
        ["超出每月次数限制", "The monthly category change limit is exceeded"],
        ["本月类目修改次数已用完，下月再改。", "This month's category changes are used up: change them next month."],
    ),
    row(
        53301,
        Final,
        ["超出可配置类目总数限制", "The maximum number of categories is exceeded"],
        [
            "先用 deletecategory 删除不用的类目（getcategory 的 category_limit 是上限），再添加。",
            "Delete unused categories with deletecategory first (getcategory's category_limit is the maximum), then add.",
        ],
    ),
    row(
        53302,
        Final,
        ["当前账号主体类型不允许设置此种类目", "This subject type may not use this category"],
        [
            "换一个该主体类型可用的类目（例如个人主体不能用很多服务类目），可在 getallcategories 中查看。",
            "Pick a category allowed for this subject type (personal accounts cannot use many service categories); see getallcategories.",
        ],
    ),
    row(
        53303,
        Final,
        ["提交的参数不合法", "Invalid parameters"],
        [
            "first、second 必须是 getallcategories 中的类目 id；资质 certicates 的 key 按类目要求填写、value 是用该小程序令牌上传的 media_id。",
            "first and second must be category ids from getallcategories; each certificate ('certicates') needs the key the category asks for and, as value, a media_id uploaded with this mini program's token.",
        ],
    ),
    row(
        53304,
        Final,
        ["与已有类目重复", "The category already exists"],
        ["该类目已添加，无需重复操作。", "The category is already there: nothing to do."],
    ),
    row(
        53305,
        Final,
        ["包含未通过 ICP 校验的类目", "Contains a category that failed the ICP check"],
        [
            "该类目要求小程序先完成 ICP 备案：请商家在小程序后台完成备案后再添加。",
            "This category requires ICP filing (备案) of the mini program first: have the merchant complete it in the admin console, then add the category.",
        ],
    ),
    row(
        53306,
        Final,
        ["修改类目只允许修改类目资质，不允许修改类目ID", "Modifying a category may change its certificates only, not its id"],
        [
            "要换类目，先删除旧类目再添加新类目；modifycategory 只用于补充或更换资质。",
            "To switch categories, delete the old one and add the new one; modifycategory only updates certificates.",
        ],
    ),
    row(
        53307,
        Final,
        ["只有审核失败的类目允许修改", "Only rejected categories can be modified"],
        [
            "等该类目审核结果（wxa_category_audit 推送）出来；被驳回后再修改资质。",
            "Wait for the category's audit result (the wxa_category_audit push); modify the certificates once it is rejected.",
        ],
    ),
    row(
        53308,
        Final,
        ["审核中的类目不允许删除", "A category under review cannot be deleted"],
        [
            "等该类目审核结束（wxa_category_audit 推送）后再删除。",
            "Delete it after its review ends (the wxa_category_audit push).",
        ],
    ),
    row(
        53310,
        Final,
        ["类目超过上限，但是可以添加 apply_reason 参数申请更多类目", "Category limit exceeded; more can be requested with apply_reason"],
        [
            "在添加类目的请求中加上 apply_reason 说明需要更多类目的理由，或先删除不用的类目。",
            "Add an apply_reason explaining why more categories are needed, or delete unused categories first.",
        ],
    ),
    row(
        53311,
        Final,
        ["需要提交资料信息", "Qualification documents are required"],
        [
            "该类目需要资质：按 getallcategories 中该类目的 qualify 要求上传证件图片，把 media_id 填进 certicates 后重新提交。",
            "This category needs certificates: upload the documents its 'qualify' entry in getallcategories asks for and submit again with their media_ids in 'certicates'.",
        ],
    ),
    row(
        61003,
        Permission,
        ["帐号未授权", "The component is not authorized by this account"],
        [
            "该小程序已取消对本平台的授权，或从未授权（也可能 appid 填错）：检查是否收到 unauthorized 推送，必要时把授权链接发给商家重新授权。",
            "The mini program revoked its authorization of this platform or never granted it (or the appid is wrong): check for an 'unauthorized' push and, if needed, send the merchant the authorization link again.",
        ],
    ),
    row(
        61004,
        Final,
        ["调用来源 IP 未注册", "Access client IP is not registered"],
        [
            "把本机的出口 IP（接口调用经中转的出口代理发出时，则是中转服务器的出口 IP）加入第三方平台「开发资料」中的 IP 白名单（开放平台 → 管理中心 → 第三方平台 → 开发资料 → 白名单 IP 地址列表），保存后重试。办公网络的出口 IP 经常变化，建议所有调用都经中转的固定 IP 出口。",
            "Add this machine's egress IP - or the relay's, when API calls go through its egress proxy - to the platform's IP whitelist under 开发资料 (Open Platform > Management Center > Third-party Platform > Development info > IP whitelist), save, and retry. Office lines change their egress IP often: route all calls through the relay's fixed-IP egress.",
        ],
    ),
    row(
        61005,
        Final,
        ["ticket 已过期", "The component_verify_ticket has expired"],
        [
            "ticket 有效期约 12 小时，最近没有收到新的推送：检查授权事件接收 URL 是否可达、中转是否在线并回复 success；调用 api_start_push_ticket 触发重新推送，10 分钟内会推来新 ticket，然后重试。",
            "The ticket lives about 12 h and no new push arrived lately: check that the authorization-event URL is reachable and the relay is online and answers 'success'; trigger a new push with api_start_push_ticket, wait up to 10 minutes for the new ticket, then retry.",
        ],
    ),
    row(
        61006,
        Final,
        ["无效 ticket", "Invalid component_verify_ticket"],
        [
            "保存的 ticket 不属于这个平台或已损坏：确认没有两个第三方平台共用同一个授权事件 URL；调用 api_start_push_ticket 触发重新推送，等新 ticket 到达后重试。",
            "The stored ticket belongs to another platform or is damaged: make sure no two platforms share one authorization-event URL, trigger a new push with api_start_push_ticket and retry once the new ticket has arrived.",
        ],
    ),
    row(
        61007,
        Permission,
        ["接口未授权给第三方平台", "This API (its permission set) is not authorized to the platform"],
        [
            "商家授权时没有勾选该接口所属的权限集（如代码管理、域名、体验者、隐私指引 = 18，基本信息和类目 = 30，小程序码 = 17）。请商家重新打开授权链接，勾选该权限集后确认；完成后授权信息 func_info 会包含它。若平台本身没有申请该权限集，先在开放平台的第三方平台「权限集」中勾选并全网发布。",
            "The merchant did not grant the permission set of this API (e.g. 18 = code, domains, testers and privacy guide; 30 = basic info and categories; 17 = mini-program codes). Ask the merchant to open the authorization link again and grant that set; afterwards func_info lists it. If the platform itself has not applied for the set, select it under the platform's permission sets (权限集) on the Open Platform and publish (全网发布) first.",
        ],
    ),
    row(
        61009,
        Final,
        ["无效 code", "Invalid authorization code"],
        [
            "授权码只能用一次，且必须来自本平台的授权流程：若已用过，直接用已保存的令牌；否则请商家重新授权。",
            "An authorization code works once and only for this platform's authorization flow: if it was already exchanged, use the stored tokens; otherwise ask the merchant to authorize again.",
        ],
    ),
    row(
        61010,
        Final,
        ["code 已过期", "The authorization code has expired"],
        [
            "授权码有效期很短（约 10 分钟），收到 authorized 推送或回调后应立即换取：请商家重新授权。",
            "Authorization codes expire quickly (about 10 minutes) and must be exchanged as soon as the 'authorized' push or the redirect arrives: ask the merchant to authorize again.",
        ],
    ),
    row(
        61011,
        Final,
        ["无效的第三方平台", "Invalid component"],
        [
            "核对设置中的第三方平台 AppID；确认平台已审核通过、未被停用。",
            "Check the component AppID in Settings, and that the platform is approved and not suspended.",
        ],
    ),
    row(
        61012,
        Final,
        ["无效的选项名称", "Invalid option name"],
        [
            "option_name 只能是 location_report、voice_recognize、customer_service。",
            "option_name must be location_report, voice_recognize or customer_service.",
        ],
    ),
    row(
        61013,
        Final,
        ["无效的选项值", "Invalid option value"],
        [
            "location_report 取 0、1、2；voice_recognize 和 customer_service 取 0 或 1。",
            "location_report takes 0, 1 or 2; voice_recognize and customer_service take 0 or 1.",
        ],
    ),
    row(
        61014,
        Final,
        ["必须使用 component 接口的 token", "This component API needs the component_access_token"],
        [
            "该接口要用平台令牌 component_access_token（例如模板库接口），不能用小程序的 authorizer_access_token。",
            "This API needs the platform's component_access_token (e.g. the template library), not a mini program's authorizer_access_token.",
        ],
    ),
    row(
        61015,
        Final,
        ["必须使用业务账号的 token，而不是 component 令牌", "This API needs the authorizer's token, not the component token"],
        [
            "该接口要用小程序的 authorizer_access_token 代调用，不能用平台令牌。",
            "Call this API with the mini program's authorizer_access_token, not the platform token.",
        ],
    ),
    row(
        61016,
        Permission,
        ["接口所属权限集需要第三方平台确认", "The permission set of this API must be confirmed by the platform"],
        [
            "该权限集与授权给其他平台的权限集互斥，需要确认后才归本平台：查看 func_info 中的 confirm_info；请商家重新授权并在授权页确认把该权限集交给本平台（其他平台会因此失去它）。",
            "The set conflicts with one the merchant granted to another platform and must be confirmed first: check confirm_info in func_info, and ask the merchant to authorize again and confirm this set for this platform (the other platform loses it).",
        ],
    ),
    row(
        61017,
        Permission,
        ["权限集未授权", "The permission set is not authorized"],
        [
            "请商家重新打开授权链接，勾选该接口所属的权限集后确认。",
            "Ask the merchant to open the authorization link again and grant the permission set of this API.",
        ],
    ),
    row(
        61023,
        Permission,
        ["refresh_token 无效", "refresh_token is invalid"],
        [
            "先用 api_get_authorizer_list 取回该小程序当前的 refresh_token（商家每次重新授权后旧的会失效）并更新本地保存；若列表里没有该小程序，说明授权已取消，请商家重新授权。",
            "Fetch the mini program's current refresh_token from api_get_authorizer_list (every re-authorization voids the old one) and store it; if the mini program is not in the list, its authorization was revoked: ask the merchant to authorize again.",
        ],
    ),
    row(
        61024,
        Final,
        ["第三方平台账号必须用 api_component_token 获取令牌", "A component account must get its token from api_component_token"],
        [
            "平台 AppID 不能用普通的 cgi-bin/token 取令牌：改用 api_component_token（需要 component_verify_ticket）。",
            "The platform AppID cannot use the ordinary cgi-bin/token: use api_component_token (it needs the component_verify_ticket).",
        ],
    ),
    row(
        61028,
        Final,
        ["第三方平台未发布", "The component is not published"],
        [
            "第三方平台还没有全网发布：在开放平台完成全网发布后，真实商家才能授权和被代调用。",
            "The platform has not been released to all users (全网发布): finish that on the Open Platform before real merchants can authorize it and be served.",
        ],
    ),
    row(
        61029,
        Final,
        ["第三方平台需带基础权限集重新发布", "The component must be republished with the base permission sets"],
        [
            "在开放平台为第三方平台勾选基础权限集后重新全网发布。",
            "Select the base permission sets for the platform on the Open Platform and release it again (全网发布).",
        ],
    ),
    row(
        61039,
        Transient,
        ["隐私接口检查任务未完成，请稍等一分钟再重试", "The privacy-API scan of the committed code has not finished; retry in a minute"],
        [
            "提交代码后微信会扫描隐私接口，通常需要一两分钟：约 2 分钟后重试提审；可先调用 get_code_privacy_info 确认检测已完成。",
            "After a commit WeChat scans the code for privacy APIs, which takes a minute or two: retry the submission in about 2 minutes; get_code_privacy_info tells when the scan is done.",
        ],
    ),
    row(
        61040,
        Final,
        [
            "ext.json 配置的隐私接口无权限，或代码中含有 ext.json 未配置的隐私接口",
            "A privacy API declared in ext.json is not permitted, or the code uses a privacy API that ext.json does not declare",
        ],
        [
            "用 get_code_privacy_info 查看：without_conf_list 中的接口要在 ext_json 的 requiredPrivateInfos 中声明，然后重新提交代码（commit）；without_auth_list 中的接口用 apply_privacy_interface 申请权限；确实不用的，提审时设置 privacy_api_not_use=true。注意 ext_json 的 requiredPrivateInfos 会整体覆盖模板 app.json 中的同名配置。",
            "Check get_code_privacy_info: APIs in without_conf_list must be declared in ext_json's requiredPrivateInfos, then commit again; apply for the APIs in without_auth_list with apply_privacy_interface; if the code does not really use them, submit with privacy_api_not_use=true. Note that requiredPrivateInfos in ext_json replaces the template app.json's list as a whole.",
        ],
    ),
    row(
        61070,
        Final,
        ["法人姓名与微信号不一致", "The legal person's name does not match the WeChat account"],
        [
            "legal_persona_name 必须是 legal_persona_wechat 这个微信号实名认证（绑卡）的姓名：与法人核对姓名和微信号后重新提交。",
            "legal_persona_name must be the real name verified (bank card) on the WeChat ID in legal_persona_wechat: confirm both with the legal person and submit again.",
        ],
    ),
    row(
        76001,
        Final,
        ["rid 不存在", "The rid does not exist"],
        [
            "确认 rid 从 errmsg 中完整复制（「rid:」后面的整段）。",
            "Copy the whole rid from the errmsg (everything after 'rid:').",
        ],
    ),
    row(
        76002,
        Final,
        ["rid 为空或者格式错误", "The rid is empty or malformed"],
        [
            "确认 rid 从 errmsg 中完整复制（「rid:」后面的整段）。",
            "Copy the whole rid from the errmsg (everything after 'rid:').",
        ],
    ),
    row(
        76003,
        Final,
        ["当前账号无权查询该 rid，该 rid 属于其他账号调用所产生", "This account may not query the rid: another account's call produced it"],
        [
            "用发起那次调用的账号的令牌查询：代小程序调用产生的 rid 用该小程序的 authorizer_access_token，平台接口的 rid 用 component_access_token。",
            "Query with the token of the account that made the call: a mini program's authorizer_access_token for calls made on its behalf, the component_access_token for platform calls.",
        ],
    ),
    row(
        76004,
        Final,
        ["rid 过期，仅支持持续 7 天内的 rid", "The rid has expired; only rids from the last 7 days can be queried"],
        ["超过 7 天的 rid 已无法查询，只能根据当时的日志排查。", "Rids older than 7 days cannot be looked up: work from the logs of that time."],
    ),
    row(
        76021,
        Final,
        ["cgi_path 填错了", "Wrong cgi_path"],
        [
            "cgi_path 是不带域名和参数、以 / 开头的接口路径，例如 /wxa/submit_audit。",
            "cgi_path is the API path without host or query, starting with '/', e.g. /wxa/submit_audit.",
        ],
    ),
    row(
        76022,
        Final,
        ["当前调用接口使用的 token 与 api 所属账号不符", "The token does not belong to the account that owns this API"],
        [
            "查询平台接口（如 /cgi-bin/component/api_component_token）的额度用 component_access_token；查询小程序接口的额度用该小程序的 authorizer_access_token。",
            "Query the quota of platform APIs (e.g. /cgi-bin/component/api_component_token) with the component_access_token, and of mini-program APIs with that mini program's authorizer_access_token.",
        ],
    ),
    row(
        80066,
        Final,
        ["非法的插件版本", "Invalid plugin version"],
        [
            "检查模板 app.json 或 ext_json 的 plugins 中该插件的 version 是否存在（在插件详情页查看可用版本），改正后重新提交代码。",
            "Check that the plugin 'version' in the template's app.json or in ext_json's plugins exists (see the plugin's page for released versions), fix it and commit again.",
        ],
    ),
    row(
        80067,
        Final,
        ["找不到使用的插件", "The plugin used cannot be found"],
        [
            "该小程序还没有添加这个插件：请商家在小程序后台「设置 → 第三方设置 → 插件管理」添加（或通过插件管理接口申请），通过后重新提交代码。",
            "The mini program has not added this plugin: the merchant adds it under 设置 > 第三方设置 > 插件管理 in the admin console (or it is applied for through the plugin API); commit again once approved.",
        ],
    ),
    row(
        80082,
        Final,
        ["没有权限使用该插件", "No permission to use this plugin"],
        [
            "该插件需要申请使用：为该小程序申请插件并等插件开发者同意后，再重新提交代码。",
            "The plugin requires an application: apply for it for this mini program, wait for the plugin developer's approval, then commit again.",
        ],
    ),
    row(
        85001,
        Final,
        ["微信号不存在或微信号设置为不可搜索", "The WeChat ID does not exist or cannot be searched"],
        [
            "核对微信号（不是昵称或手机号）；若无误，请对方在微信「我 → 设置 → 朋友权限 → 添加我的方式」中打开「微信号」后再绑定。",
            "Check the WeChat ID (not the nickname or phone number); if it is right, ask the person to enable 'WeChat ID' under Me > Settings > Friends' Permissions > Methods for Friending Me, then bind again.",
        ],
    ),
    row(
        85002,
        Final,
        ["小程序绑定的体验者数量达到上限", "The mini program has reached its tester limit"],
        [
            "先用 memberauth 查看体验者，再用 unbind_tester 解绑不再需要的人，然后重试。",
            "List the testers with memberauth, unbind those no longer needed with unbind_tester, then retry.",
        ],
    ),
    row(
        85003,
        Final,
        ["微信号绑定的小程序体验者达到上限", "This WeChat user is a tester of too many mini programs"],
        [
            "请对方先退出其他小程序的体验者身份，或换一个微信号绑定。",
            "Ask the person to leave the tester role of other mini programs, or bind another WeChat ID.",
        ],
    ),
    row(
        85004,
        Final,
        ["微信号已经绑定", "The WeChat ID is already bound"],
        ["对方已经是体验者，无需重复绑定，可视为成功。", "The person already is a tester: nothing to do, treat it as success."],
    ),
    row(
        85006,
        Final,
        ["标签格式错误", "Invalid tag format"],
        [
            "提审的 tag 用空格分隔，最多 10 个，每个不超过 20 个字。",
            "Audit tags are separated by spaces: at most 10 tags, each at most 20 characters.",
        ],
    ),
    row(
        85007,
        Final,
        ["页面路径错误", "Invalid page path"],
        [
            "address 必须是已提交代码中的页面：用 get_page 取页面列表后从中选择。",
            "The address must be a page of the committed code: pick one from get_page.",
        ],
    ),
    row(
        85008,
        Final,
        ["当前小程序没有已经审核通过的类目，请添加类目成功后重试", "The mini program has no approved category; add one and retry"],
        [
            "用 get_category 查看可用于提审的类目；没有的话先用 addcategory 添加类目，等审核通过后再提审，并使用返回的类目 id。",
            "get_category lists the categories usable for an audit; if there are none, add one with addcategory, wait for approval, then submit with its ids.",
        ],
    ),
    row(
        85009,
        Final,
        ["已经有正在审核的版本", "A version is already under audit"],
        [
            "同一时间只能有一个版本在审核：等审核结果推送，或用 undocodeaudit 撤回后再提交（撤回每天 5 次、每月 10 次）。",
            "A version is already under audit: wait for the result, or withdraw it with undocodeaudit and submit again (undocodeaudit: 5 a day, 10 a month).",
        ],
    ),
    row(
        85010,
        Final,
        ["item_list 有项目为空", "An item of item_list is empty"],
        [
            "每个提审项都要填页面地址、类目等必填字段；不需要的项直接删掉。",
            "Each audit item needs its page address, category and other required fields; drop items you do not need.",
        ],
    ),
    row(
        85011,
        Final,
        ["标题填写错误", "Invalid title"],
        ["缩短提审项的 title，去掉特殊符号后重试。", "Shorten the item's title and remove special symbols, then retry."],
    ),
    row(
        85012,
        Final,
        ["无效的审核 id", "Invalid audit id"],
        [
            "auditid 必须是这个小程序提审时返回的：用 get_latest_auditstatus 取最新的 auditid。",
            "The auditid must come from this mini program's submission: get the latest one with get_latest_auditstatus.",
        ],
    ),
    row(
        85013,
        Final,
        ["无效的自定义配置", "Invalid custom configuration (ext_json)"],
        [
            "ext_json 必须是一个 JSON 字符串（不是对象），其中的页面路径必须在模板中存在；在 ext_json 编辑器中校验并预览合并结果后重新提交代码。",
            "ext_json must be a JSON string (not an object) and its page paths must exist in the template: validate it and preview the merged result in the ext_json editor, then commit again.",
        ],
    ),
    row(
        85014,
        Final,
        ["无效的模板编号", "Invalid template id"],
        [
            "该 template_id 不在模板库中（可能已被删除）：刷新模板列表（gettemplatelist），选择存在的模板重新提交。",
            "The template_id is not in the template library (it may have been deleted): refresh the list (gettemplatelist) and commit with an existing template.",
        ],
    ),
    row(
        85015,
        Final,
        ["该账号不是小程序账号/版本输入错误", "The account is not a mini program, or the version is invalid"],
        [
            "该授权方是公众号，不能做小程序操作；若是设置最低基础库版本，改用 getweappsupportversion 返回的可选版本号。",
            "The authorizer is an Official Account, not a mini program; when setting the minimum base library, use a version that getweappsupportversion offers.",
        ],
    ),
    row(
        85016,
        Final,
        ["域名数量超过限制", "Too many domains"],
        [
            "每类域名最多 200 个（平台登记最多 1000 个）：删掉不用的域名后再添加。",
            "Each domain list holds at most 200 entries (1000 on the platform): remove unused domains, then add.",
        ],
    ),
    row(
        85017,
        Final,
        ["没有新增域名，请确认小程序已经添加了域名或该域名是否没有在第三方平台添加", "No domain to change: the mini program already has it, or it is not registered on the platform"],
        [
            "先在平台级用 modify_wxa_server_domain 登记这些域名（需已 ICP 备案），再给小程序添加；若域名已在小程序中，则无需修改。",
            "Register the domains on the platform first with modify_wxa_server_domain (they need ICP filing), then add them to the mini program; if the mini program already has them, nothing needs to change.",
        ],
    ),
    row(
        85018,
        Final,
        ["域名没有在第三方平台设置", "The domain is not registered on the platform"],
        [
            "先用 modify_wxa_server_domain 把域名登记到第三方平台，再设置到小程序；或改用 modify_domain_directly。",
            "Register the domain on the platform with modify_wxa_server_domain first, then set it on the mini program; or use modify_domain_directly.",
        ],
    ),
    row(
        85019,
        Final,
        ["没有审核版本", "No audited version"],
        [
            "没有审核通过的版本可发布：用 get_latest_auditstatus 确认状态，通过后再发布。",
            "There is no approved version to release: check get_latest_auditstatus and release after it passes.",
        ],
    ),
    row(
        85020,
        Final,
        ["审核状态未满足发布", "The audit status does not allow release"],
        [
            "只有审核通过（status 0）的版本才能发布：等审核结果后再发布。",
            "Only a version that passed the audit (status 0) can be released: wait for the result.",
        ],
    ),
    row(
        85021,
        Final,
        ["状态不可变", "The status cannot be changed now"],
        [
            "当前状态不允许修改可见性（例如还没有线上版本）：发布后再操作。",
            "The current state does not allow a visibility change (e.g. nothing is released yet): release first.",
        ],
    ),
    row(
        85022,
        Final,
        ["action 非法", "Invalid action"],
        ["change_visitstatus 的 action 只能是 open 或 close。", "change_visitstatus takes action 'open' or 'close' only."],
    ),
    row(
        85023,
        Final,
        ["审核列表填写的项目数不在 1-5 以内", "The number of audit items is not between 1 and 5"],
        ["item_list 填 1 到 5 项。", "Put 1 to 5 entries into item_list."],
    ),
    row(
        85026,
        Final,
        ["微信号绑定管理员名额达到上限", "This WeChat ID is admin of too many accounts"],
        [
            "该微信号作为管理员的账号数量已满：换一个微信号作为管理员，或先解除其在其他账号的管理员身份。",
            "This WeChat ID administers the maximum number of accounts: use another WeChat ID as admin, or remove it as admin elsewhere first.",
        ],
    ),
    row(
        85027,
        Final,
        ["身份证绑定管理员名额达到上限", "This ID card is admin of too many accounts"],
        [
            "该身份证作为管理员的账号数量已满：换一位管理员（另一张身份证）注册。",
            "This ID card administers the maximum number of accounts: register with another admin (another ID card).",
        ],
    ),
    row(
        85043,
        Final,
        ["模板错误", "Template error"],
        [
            "模板代码有问题：在开发者工具中检查模板的 app.json 后重新上传草稿、加入模板库，用新模板重新提交。",
            "The template is broken: check its app.json in DevTools, upload the draft again, add it to the template library and commit with the new template.",
        ],
    ),
    row(
        85044,
        Final,
        ["代码包超过大小限制", "The code package exceeds the size limit"],
        [
            "缩小模板代码包：使用分包、把图片等资源放到 CDN，重新上传模板后再提交。",
            "Shrink the template package: use subpackages and move images and other assets to a CDN, upload the template again, then commit.",
        ],
    ),
    row(
        85045,
        Final,
        ["ext_json 有不存在的路径", "ext_json contains a path that does not exist"],
        [
            "ext_json 中 pages、extPages、tabBar 等引用的页面必须在模板中存在：删掉或改正这些路径后重新提交。",
            "Pages referenced in ext_json (pages, extPages, tabBar...) must exist in the template: remove or correct them and commit again.",
        ],
    ),
    row(
        85046,
        Final,
        ["tabBar 中缺少 path", "pagePath missing in the tabBar list"],
        ["ext_json 的 tabBar.list 每一项都要有 pagePath。", "Every entry of tabBar.list in ext_json needs a pagePath."],
    ),
    row(
        85047,
        Final,
        ["pages 字段为空", "pages is empty"],
        [
            "ext_json 中的 pages 不能是空数组：删掉该字段（沿用模板）或至少列一个页面。",
            "ext_json's pages must not be an empty array: drop the field (the template's list applies) or list at least one page.",
        ],
    ),
    row(
        85048,
        Final,
        ["ext_json 解析失败", "ext_json could not be parsed"],
        [
            "ext_json 不是合法的 JSON：检查引号、逗号和转义，在 ext_json 编辑器中校验后重新提交。",
            "ext_json is not valid JSON: check quotes, commas and escaping, validate it in the ext_json editor, then commit again.",
        ],
    ),
    row(
        85049,
        Quota,
        ["头像或功能介绍修改次数已达上限", "The avatar or description change quota is reached"],
        [
            "等额度恢复后再改；getaccountbasicinfo 中的 head_image_info、signature_info 显示已用次数和额度。",
            "Change it after the quota resets; getaccountbasicinfo's head_image_info and signature_info show the used counts and quotas.",
        ],
    ),
    row(
        85051,
        Final,
        ["version_desc 或者 preview_info 超限", "version_desc or preview_info is too large"],
        [
            "缩短版本说明，减少预览图片或视频后重新提审。",
            "Shorten the version description and use fewer preview images or videos, then submit again.",
        ],
    ),
    row(
        85052,
        Final,
        ["小程序已发布", "The version is already released"],
        ["该版本已经发布，无需重复操作，可视为成功。", "This version is already released: nothing to do, treat it as success."],
    ),
    row(
        85060,
        Final,
        ["无效的 taskid", "Invalid taskid"],
        [
            "使用创建个人小程序时返回的 taskid 查询；该任务可能已过期，需要重新发起。",
            "Query with the taskid returned when the personal mini program was created; the task may have expired and must be started again.",
        ],
    ),
    row(
        85061,
        Final,
        ["手机号绑定管理员名额达到上限", "This phone number is admin of too many accounts"],
        ["换一个手机号作为联系方式后重新提交。", "Use another phone number and submit again."],
    ),
    row(
        85062,
        Final,
        ["手机号黑名单", "The phone number is blacklisted"],
        ["该手机号不能使用：换一个手机号。", "This phone number cannot be used: use another one."],
    ),
    row(
        85063,
        Final,
        ["身份证黑名单", "The ID card is blacklisted"],
        ["该身份证不能用于注册：换一位管理员。", "This ID card cannot be used to register: use another admin."],
    ),
    row(
        85064,
        Final,
        ["找不到模板/草稿", "Template or draft not found"],
        [
            "刷新草稿箱（gettemplatedraftlist）或模板列表（gettemplatelist）后重选：草稿箱每个开发小程序只保留最近一次上传，旧草稿会被覆盖；模板可能已被删除。",
            "Refresh the draft list (gettemplatedraftlist) or the template list (gettemplatelist) and pick again: the draft box keeps only the latest upload per development mini program, and the template may have been deleted.",
        ],
    ),
    row(
        85065,
        Final,
        ["模板库已满", "The template library is full"],
        [
            "用 deletetemplate 删除不再使用的旧模板后再添加（上限以官方为准，现行文档为 200 个，早期为 50 个）。",
            "Delete templates no longer in use with deletetemplate, then add again (the cap is WeChat's: 200 in the current docs, 50 in older ones).",
        ],
    ),
    row(
        85077,
        Final,
        ["小程序类目信息失效（类目中含有官方下架的类目，请重新选择类目）", "Category no longer valid: it contains a category WeChat has retired; choose again"],
        [
            "用 addcategory 添加一个现行类目，审核通过后在提审时使用它（get_category 会列出可用类目）；必要时删除已下架的类目。",
            "Add a current category with addcategory and use it in the submission once approved (get_category lists the usable ones); delete the retired category if needed.",
        ],
    ),
    row(
        85079,
        Final,
        ["小程序没有线上版本，不能进行灰度", "No released version: phased release is impossible"],
        ["第一次发布必须全量发布（release），之后的版本才能灰度。", "The first release must be a full release; later versions can be phased."],
    ),
    row(
        85080,
        Final,
        ["小程序提交的审核未审核通过", "The submitted version has not passed the audit"],
        ["等审核通过后再发布或灰度。", "Release or phase it after the audit passes."],
    ),
    row(
        85081,
        Final,
        ["无效的发布比例", "Invalid gray percentage"],
        ["gray_percentage 取 1 到 100 的整数。", "gray_percentage must be an integer from 1 to 100."],
    ),
    row(
        85082,
        Final,
        ["当前的发布比例需要比之前设置的高", "The new percentage must be higher than the previous one"],
        [
            "灰度比例只能增加：用 getgrayreleaseplan 查看当前比例，填一个更大的值。",
            "The percentage can only grow: check the current one with getgrayreleaseplan and use a larger value.",
        ],
    ),
    row(
        85083,
        Final,
        ["搜索标记位被封禁，无法修改", "The search flag is banned and cannot be changed"],
        [
            "该小程序的搜索状态被平台锁定：请商家在小程序后台查看通知，整改后再试。",
            "WeChat locked the mini program's search status: the merchant checks the notices in the admin console and rectifies first.",
        ],
    ),
    row(
        85084,
        Final,
        ["非法的 status 值，只能填 0 或者 1", "Invalid status: only 0 or 1"],
        ["status 填 0（可被搜索）或 1（不可被搜索）。", "Use status 0 (searchable) or 1 (hidden)."],
    ),
    row(
        85085,
        Quota,
        ["小程序提审数量已达本月上限", "The monthly audit submission limit is reached"],
        [
            "本月提审额度（平台级，所有小程序共用，wxa/queryquota 的 rest/limit）已用完，或近 7 天提交过多：暂停批量提审，下月额度恢复；批量发布时先提交少量样本，通过后再提交其余；提高提审通过率可获得更多额度。",
            "This month's audit quota (platform-wide, shared by all mini programs; see rest/limit in wxa/queryquota) is used up, or too many were submitted in the last 7 days: pause batch submissions until the quota resets next month; submit a few samples before the rest of a batch; a better pass rate earns more quota.",
        ],
    ),
    row(
        85086,
        Final,
        ["提交代码审核之前需提前上传代码", "Code must be committed before submitting an audit"],
        ["先调用 commit 上传代码，再提审。", "Commit the code first, then submit it."],
    ),
    row(
        85087,
        Final,
        ["小程序已使用 api navigateToMiniProgram，请声明跳转 appid 列表后再次提交", "navigateToMiniProgram is used: declare the target appid list and submit again"],
        [
            "在 ext_json 的 navigateToMiniProgramAppIdList 中列出要跳转的小程序 appid，重新提交代码后再提审。",
            "List the target appids in ext_json's navigateToMiniProgramAppIdList, commit again, then submit.",
        ],
    ),
    row(
        85090,
        Transient,
        ["稍后再为该 extAppid 提交代码", "Wait and commit for this extAppid later"],
        ["同一小程序的提交太密集：等几分钟再提交代码。", "Commits for this mini program came too close together: commit again in a few minutes."],
    ),
    row(
        85092,
        Final,
        ["preview_info 格式错误", "Invalid preview_info format"],
        [
            "preview_info 的 video_id_list、pic_id_list 是数组，元素是用 wxa/uploadmedia 上传得到的 mediaid。",
            "preview_info's video_id_list and pic_id_list are arrays of media ids returned by wxa/uploadmedia.",
        ],
    ),
    row(
        85093,
        Final,
        ["preview_info 视频或者图片个数超限", "Too many preview videos or images"],
        ["减少预览图片或视频的数量后重新提审。", "Use fewer preview images or videos and submit again."],
    ),
    row(
        85094,
        Final,
        ["需提供审核机制说明信息", "The UGC audit declaration is required"],
        [
            "小程序含用户生成内容：在提审参数 ugc_declare 中填写场景（scene）、审核方式（method）、是否有审核团队等后重新提审。",
            "The mini program carries user-generated content: fill ugc_declare (scene, method, has_audit_team...) and submit again.",
        ],
    ),
    row(
        85301,
        Final,
        ["过滤后没有可修改的域名，请确认域名已在小程序或第三方平台设置并符合域名规则", "No domain left after filtering: make sure the domains are set on the mini program or the platform and follow the domain rules"],
        [
            "看返回中的 invalid_* 列表：常见是协议头写错（如 wss://https://...，request 用 https://、socket 用 wss://）、域名未在第三方平台登记、未 ICP 备案、用了 IP 或 api.weixin.qq.com。改正后重试。",
            "Look at the invalid_* lists in the response: usually a wrong scheme (e.g. wss://https://...; request domains take https://, sockets wss://), a domain not registered on the platform, no ICP filing, a bare IP or api.weixin.qq.com. Fix them and retry.",
        ],
    ),
    row(
        86000,
        Final,
        ["不是由第三方代小程序进行调用", "Not called by a third-party platform on behalf of the mini program"],
        [
            "该接口要用第三方平台换来的 authorizer_access_token 调用，不能用小程序自己用 AppSecret 取的 access_token。",
            "Call it with the authorizer_access_token obtained through the platform, not with the mini program's own AppSecret-based access_token.",
        ],
    ),
    row(
        86001,
        Final,
        ["不存在第三方的已经提交的代码", "The platform has not committed any code for this mini program"],
        ["先调用 commit 为该小程序提交代码。", "Commit code for this mini program first."],
    ),
    row(
        86002,
        Final,
        ["小程序还未设置昵称、头像、简介。请先设置完后再重新提交", "The mini program has no name, avatar or description yet; set them and submit again"],
        [
            "先设置名称（setnickname）、头像（modifyheadimage）和功能介绍（modifysignature），或请商家在小程序后台补全，再提审。",
            "Set the name (setnickname), avatar (modifyheadimage) and description (modifysignature) first, or have the merchant complete them in the admin console, then submit.",
        ],
    ),
    row(
        86004,
        Final,
        ["无效微信号", "Invalid WeChat ID"],
        [
            "legal_persona_wechat 要填法人的微信号（不是昵称或手机号），且该微信号可被搜索：与法人核对后重新提交。",
            "legal_persona_wechat must be the legal person's WeChat ID (not a nickname or phone number) and searchable: confirm with the legal person and submit again.",
        ],
    ),
    row(
        86007,
        Final,
        ["小程序禁止提交", "The mini program is barred from submitting"],
        [
            "该小程序被限制提审：请商家在小程序后台查看违规通知，整改或申诉后再提交。",
            "This mini program may not submit: the merchant checks the violation notices in the admin console and rectifies or appeals first.",
        ],
    ),
    row(
        86008,
        Final,
        ["服务商被处罚，限制全部代码提审能力", "The platform is penalized: all code submissions are blocked"],
        [
            "问题在平台而不在单个小程序：查看开放平台站内信中的处罚原因和期限，整改后再提审；期间暂停所有批量提审。",
            "The platform, not the mini program, is penalized: read the reason and duration in the Open Platform's notices, rectify, and pause all batch submissions until then.",
        ],
    ),
    row(
        86009,
        Final,
        ["服务商新增小程序代码提审能力被限制", "The platform may not submit code for newly added mini programs"],
        [
            "平台被限制为新授权的小程序提审（已发布过的小程序迭代不受影响）：查看开放平台站内信，整改后再试。",
            "The platform may not submit for newly authorized mini programs (updates of already released ones still work): read the Open Platform's notices and rectify.",
        ],
    ),
    row(
        86010,
        Final,
        ["服务商迭代小程序代码提审能力被限制", "The platform may not submit updates of mini programs"],
        [
            "平台被限制为已发布小程序提交新版本：查看开放平台站内信中的原因，整改后再试。",
            "The platform may not submit new versions of released mini programs: read the reason in the Open Platform's notices and rectify.",
        ],
    ),
    row(
        86069,
        Final,
        ["owner_setting 必填字段缺失", "A required owner_setting field is missing"],
        [
            "owner_setting 必须是对象（不是字符串），包含 notice_method，以及 contact_email、contact_phone、contact_qq、contact_weixin 中至少一个非空的联系方式。",
            "owner_setting must be an object (not a string) with notice_method and at least one non-empty contact among contact_email, contact_phone, contact_qq and contact_weixin.",
        ],
    ),
    row(
        86071,
        Final,
        ["privacy_ver 取值无效", "Invalid privacy_ver"],
        [
            "privacy_ver 取 1（现网版本，只能改 owner_setting）或 2（开发版本，默认）。",
            "privacy_ver is 1 (the live version; only owner_setting may change) or 2 (the development version, default).",
        ],
    ),
    row(
        86074,
        Final,
        ["现网隐私协议不存在", "There is no live privacy guide"],
        [
            "小程序还没有发布过带隐私指引的版本：用 privacy_ver=2 设置开发版本，随下一个版本提审、发布后生效。",
            "No version with a privacy guide has been released yet: set the development version (privacy_ver=2); it takes effect with the next audited and released version.",
        ],
    ),
    row(
        87006,
        Final,
        ["小游戏不能提交", "Mini games cannot be submitted this way"],
        ["小游戏不支持通过该接口提审，请在小游戏后台操作。", "Mini games cannot be submitted through this API; use the mini game's admin console."],
    ),
    row(
        87011,
        Final,
        ["现网已经在灰度发布，不能进行版本回退", "A phased release is running: rollback is not possible"],
        [
            "先用 revertgrayrelease 取消灰度（或把灰度推进到 100% 完成），再回退版本。",
            "Cancel the phased release with revertgrayrelease (or finish it at 100%) before rolling back.",
        ],
    ),
    row(
        87012,
        Final,
        ["该版本不能回退", "This version cannot be rolled back"],
        [
            "可能原因：没有上一个线上版本、该版本本身就是回退来的、或版本太旧（只保留最近 5 个）。用 revertcoderelease?action=get_history_version 查看可回退的版本。",
            "Either there is no previous release, this version is itself a rollback, or the target is too old (only the 5 latest are kept). List the candidates with revertcoderelease?action=get_history_version.",
        ],
    ),
    row(
        87013,
        Quota,
        ["撤回次数达到上限（每天5次，每个月 10 次）", "Withdrawal limit reached (5 a day, 10 a month)"],
        [
            "今天（或本月）的撤回审核次数已用完：每天 0 点恢复 5 次额度，每月上限 10 次。在此之前只能等当前审核出结果。",
            "Today's (or this month's) audit withdrawals are used up: 5 per day come back at 00:00, with 10 per month at most. Until then, wait for the current audit to finish.",
        ],
    ),
    row(
        89019,
        Final,
        ["业务域名无更改，无需重复设置", "The business domains did not change"],
        ["设置的业务域名与现有的一致，无需操作，可视为成功。", "The web-view domains already are as requested: nothing to do, treat it as success."],
    ),
    row(
        89020,
        Final,
        ["尚未设置小程序业务域名，请先在第三方平台中设置小程序业务域名后在调用本接口", "The platform has no business domains yet; set them on the platform first"],
        [
            "先用 modify_wxa_jump_domain 在平台级登记业务域名（校验文件要放在域名根目录），再给小程序设置。",
            "Register the business (web-view) domains on the platform first with modify_wxa_jump_domain (the verification file goes to the domain root), then set them on the mini program.",
        ],
    ),
    row(
        89021,
        Final,
        ["请求保存的域名不是第三方平台中已设置的小程序业务域名或子域名", "The domain is neither a business domain of the platform nor a subdomain of one"],
        [
            "先用 modify_wxa_jump_domain 把该域名（或其上级域名）登记到第三方平台，再设置到小程序。",
            "Register the domain (or a parent domain) on the platform with modify_wxa_jump_domain first, then set it on the mini program.",
        ],
    ),
    row(
        89029,
        Final,
        ["业务域名数量超过限制，最多可以添加100个业务域名", "Too many business domains: at most 100"],
        ["删掉不用的业务域名后再添加。", "Remove unused web-view domains, then add."],
    ),
    row(
        89231,
        Final,
        ["个人小程序不支持调用 setwebviewdomain 接口", "Personal mini programs cannot call setwebviewdomain"],
        [
            "个人主体小程序不能使用 web-view 业务域名：对这类小程序跳过该步骤。",
            "Mini programs of individuals cannot have web-view domains: skip this step for them.",
        ],
    ),
    row(
        89247,
        Transient,
        ["系统内部错误", "Internal error"],
        ["微信内部错误：稍后重试。", "WeChat internal error: retry later."],
    ),
    row(
        89248,
        Final,
        ["企业代码类型无效，请选择正确类型填写", "Invalid code_type"],
        [
            "code_type 取 1（统一社会信用代码，18 位）、2（组织机构代码，9 位）或 3（营业执照注册号，15 位），且要与 code 对应。",
            "code_type is 1 (unified social credit code, 18 chars), 2 (organization code, 9) or 3 (business licence number, 15), and must match the code.",
        ],
    ),
    row(
        89249,
        Final,
        ["该主体已有任务执行中，距上次任务 24h 后再试", "A task for this subject is already running; retry 24 h after the last one"],
        [
            "同一主体的快速注册任务是串行的：等上一次任务的结果推送（notify_third_fasteregister），或距上次提交满 24 小时后再试。",
            "Fast-registration tasks for one subject run one at a time: wait for the previous task's result push (notify_third_fasteregister), or retry 24 h after the last submission.",
        ],
    ),
    row(
        89250,
        Final,
        ["未找到该任务", "Task not found"],
        [
            "查询时的 name、legal_persona_wechat、legal_persona_name 必须与创建时完全一致；若超过 24 小时无人确认，任务已失效，需要重新创建。",
            "The query's name, legal_persona_wechat and legal_persona_name must equal those of the create call exactly; a task nobody confirmed within 24 h is gone and must be created again.",
        ],
    ),
    row(
        89251,
        Final,
        ["模板消息已下发，待法人人脸核身校验", "The message was sent; waiting for the legal person's face verification"],
        [
            "不是故障：提醒法人在 24 小时内打开微信中的通知完成确认和人脸核身，结果会通过 notify_third_fasteregister 推送。",
            "Not a failure: remind the legal person to open the WeChat notice and complete the confirmation and face check within 24 h; the result arrives as notify_third_fasteregister.",
        ],
    ),
    row(
        89252,
        Final,
        ["法人&企业信息一致性校验中", "Checking that the legal person and company data agree"],
        [
            "不是故障：等结果推送 notify_third_fasteregister，不要重复提交。",
            "Not a failure: wait for the notify_third_fasteregister push and do not submit again.",
        ],
    ),
    row(
        89253,
        Final,
        ["缺少参数", "Missing parameters"],
        [
            "补全 name、code、code_type、legal_persona_wechat、legal_persona_name 后重新提交。（全局返回码列表把 89253 写作「法人&企业信息一致性校验中」，若参数齐全，按 89252 处理。）",
            "Fill in name, code, code_type, legal_persona_wechat and legal_persona_name and submit again. (The global code list describes 89253 as 'checking legal person and company data'; if nothing is missing, treat it like 89252.)",
        ],
    ),
    row(
        89254,
        Permission,
        ["第三方权限集不全，补全权限集全网发布后生效", "The platform lacks required permission sets; add them and publish"],
        [
            "问题在平台而不在商家：在开放平台为第三方平台勾选快速注册所需的权限集，全网发布后再试。",
            "The platform, not the merchant, lacks them: select the permission sets fast registration needs for the platform on the Open Platform, publish (全网发布), then retry.",
        ],
    ),
    row(
        89255,
        Final,
        ["code 参数无效，请检查 code 长度以及内容是否正确；注意 code_type 的值不同需要传的 code 长度不一样", "Invalid code: check its length and content; each code_type needs a different length"],
        [
            "统一社会信用代码 18 位（code_type=1），组织机构代码 9 位（xxxxxxxx-x，code_type=2），营业执照注册号 15 位（code_type=3）；按营业执照原样填写。",
            "Unified social credit code: 18 chars (code_type=1); organization code: 9 (xxxxxxxx-x, code_type=2); business licence number: 15 (code_type=3). Copy it exactly from the business licence.",
        ],
    ),
    row(
        89401,
        Transient,
        ["系统不稳定，请稍后再试，如多次失败请通过社区反馈", "System unstable; retry later, and report it in the community if it keeps failing"],
        [
            "稍后重试加急；若多次失败，带上 rid 到微信开放社区反馈。",
            "Retry the speed-up later; if it keeps failing, report it with the rid in the WeChat open community.",
        ],
    ),
    row(
        89402,
        Final,
        ["该小程序不在待审核队列，请检查是否已提交审核或已审完", "The mini program is not in the audit queue: not submitted, or already audited"],
        [
            "用 get_latest_auditstatus 查看状态：未提审的先提审；已有结果的无需加急。",
            "Check get_latest_auditstatus: submit first if nothing is under audit; a version with a result needs no speed-up.",
        ],
    ),
    row(
        89403,
        Final,
        ["本单属于平台不支持加急种类，请等待正常审核流程", "This audit is of a kind that cannot be expedited"],
        ["只能等待正常审核。", "Wait for the normal audit."],
    ),
    row(
        89404,
        Final,
        ["本单已加速成功，请勿重复提交", "This audit is already expedited"],
        ["已加急成功，无需重复操作，可视为成功。", "It is already expedited: nothing to do, treat it as success."],
    ),
    row(
        89405,
        Quota,
        ["本月加急额度已用完，请提高提审质量以获取更多额度", "This month's speed-up quota is used up; better submissions earn more"],
        [
            "下月额度恢复后再加急（wxa/queryquota 的 speedup_rest）；在此之前等待正常审核。",
            "Expedite again after the quota resets next month (speedup_rest in wxa/queryquota); until then wait for the normal audit.",
        ],
    ),
    row(
        91001,
        Final,
        ["不是公众号快速创建的小程序", "Not a mini program created quickly from an Official Account"],
        [
            "该接口只适用于通过快速注册创建的小程序：其他小程序请商家在小程序后台自行改名。",
            "This API only applies to mini programs created by fast registration: for others the merchant renames in the admin console.",
        ],
    ),
    row(
        91002,
        Final,
        ["小程序发布后不可改名", "The name cannot change after release"],
        [
            "已发布的小程序只能通过微信认证改名：请商家在小程序后台走认证改名流程。",
            "A released mini program can only be renamed through WeChat verification: the merchant renames via verification in the admin console.",
        ],
    ),
    row(
        91003,
        Final,
        ["改名状态不合法", "Invalid rename state"],
        [
            "已有改名在审核中：用 api_wxa_querynickname 查看审核单，结束后再改。",
            "A rename is already under review: check it with api_wxa_querynickname and rename again after it ends.",
        ],
    ),
    row(
        91004,
        Final,
        ["昵称不合法", "Invalid name"],
        ["换一个符合命名规则的名称（可先用 checkwxverifynickname 预检）。", "Choose a name that follows the naming rules (pre-check it with checkwxverifynickname)."],
    ),
    row(
        91005,
        Final,
        ["昵称 15 天主体保护", "The name is protected for its former subject for 15 days"],
        ["换一个名称，或 15 天保护期过后再申请。", "Choose another name, or apply after the 15-day protection."],
    ),
    row(
        91006,
        Final,
        ["昵称命中微信号", "The name matches a WeChat ID"],
        ["换一个名称。", "Choose another name."],
    ),
    row(
        91007,
        Final,
        ["昵称已被占用", "The name is taken"],
        [
            "换一个名称；若商家拥有该品牌，可凭商标材料在小程序后台发起侵权投诉。",
            "Choose another name; if the merchant owns the brand, they can file an infringement complaint with trademark proof in the admin console.",
        ],
    ),
    row(
        91008,
        Final,
        ["昵称命中 7 天侵权保护期", "The name is in a 7-day infringement protection period"],
        ["换一个名称，或 7 天后再申请。", "Choose another name, or apply after 7 days."],
    ),
    row(
        91009,
        Final,
        ["需要提交材料", "Supporting documents are required"],
        [
            "重新调用 setnickname 并附上材料：组织主体上传营业执照到 license，个人主体上传身份证到 id_card，商标等证明放 naming_other_stuff_1..5（都是用该小程序令牌上传的 media_id）。",
            "Call setnickname again with documents: the business licence in 'license' for organizations, the ID card in 'id_card' for individuals, trademark or other proof in naming_other_stuff_1..5 (all media_ids uploaded with this mini program's token).",
        ],
    ),
    row(
        91010,
        Final,
        ["其他错误", "Other error"],
        [
            "查看 errmsg 中的说明；用其中的 rid 调用 openapi/rid/get 查询详细原因。",
            "Read the errmsg, and look up its rid with openapi/rid/get for details.",
        ],
    ),
    row(
        91011,
        Final,
        ["查不到昵称修改审核单信息", "No such name-change audit"],
        [
            "audit_id 必须是该小程序 setnickname 返回的；没有返回 audit_id 说明名称无需审核、已直接生效。",
            "The audit_id must come from this mini program's setnickname; when none was returned, the name needed no review and is already in effect.",
        ],
    ),
    row(
        91012,
        Final,
        ["其他错误", "Other error"],
        [
            "查看 errmsg 中的说明；用其中的 rid 调用 openapi/rid/get 查询详细原因。",
            "Read the errmsg, and look up its rid with openapi/rid/get for details.",
        ],
    ),
    row(
        91013,
        Final,
        ["占用名字过多", "The subject holds too many names"],
        [
            "该主体占用的名称（含审核中）过多：释放不用的名称或等现有审核结束后再申请。",
            "This subject holds too many names (including pending ones): release unused names or wait for pending reviews to end.",
        ],
    ),
    row(
        91014,
        Final,
        ["+号规则 同一类型关联名主体不一致", "'+' rule: a related name of the same account type belongs to another subject"],
        ["换一个名称。", "Choose another name."],
    ),
    row(
        91015,
        Final,
        ["原始名不同类型主体不一致", "The original name is held by another subject in another account type"],
        ["换一个名称。", "Choose another name."],
    ),
    row(
        91016,
        Final,
        ["名称占用者 ≥2", "Two or more accounts hold this name"],
        ["换一个名称。", "Choose another name."],
    ),
    row(
        91017,
        Final,
        ["+号规则 不同类型关联名主体不一致", "'+' rule: a related name of another account type belongs to another subject"],
        ["换一个名称。", "Choose another name."],
    ),
    row(
        91018,
        Final,
        ["组织类型小程序发布后，侵权被清空昵称，需走认证改名", "The name of this released organization mini program was cleared for infringement; rename through verification"],
        [
            "请商家在小程序后台通过微信认证流程设置新名称。",
            "The merchant sets a new name through WeChat verification in the admin console.",
        ],
    ),
    row(
        91019,
        Final,
        ["小程序正在审核中", "The mini program is under review"],
        ["等当前审核结束后再改名。", "Rename after the current review ends."],
    ),
    row(
        9400001,
        Final,
        ["该开发小程序已开通小程序直播权限，不支持发布版本。如需发版，请解绑开发小程序后再操作。", "This development mini program has live streaming enabled and cannot release; unbind it to release"],
        [
            "在开放平台的第三方平台设置中解绑该开发小程序（或换一个未开通直播的开发小程序）后再操作。",
            "Unbind this development mini program in the platform's settings on the Open Platform (or use one without live streaming), then try again.",
        ],
    ),
    row(
        9402202,
        Transient,
        ["请勿频繁提交，待上一次操作完成后再提交", "Too frequent: wait for the previous operation to finish"],
        [
            "同一小程序的上一次提交或提审还在处理：等几秒到一分钟后重试，同一小程序的操作要串行。",
            "The previous commit or submission for this mini program is still being processed: retry after a few seconds up to a minute, one operation per mini program at a time.",
        ],
    ),
    row(
        9402203,
        Final,
        ["标准模板 ext_json 错误", "Invalid ext_json for a standard template"],
        [
            "标准模板的 ext_json 只能包含 extAppid、ext、window 三个字段：删掉其他字段，或改用普通模板。",
            "A standard template's ext_json may contain only extAppid, ext and window: remove the other fields, or use an ordinary template.",
        ],
    ),
];
