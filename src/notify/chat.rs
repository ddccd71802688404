//! Group chat robots and JSON webhooks: each one's message body, its
//! signature, and the POST.
//!
//! - 企业微信 group robot: `{"msgtype": "markdown", "markdown": {"content"}}`
//!   or `{"msgtype": "text", "text": {"content"}}`.
//! - 飞书 custom bot: `{"msg_type": "text", "content": {"text"}}`; with
//!   签名校验, `timestamp` (seconds) and `sign`: HMAC-SHA256 keyed with
//!   `timestamp + "\n" + secret` over an empty message, base64.
//! - 钉钉 custom robot: `{"msgtype": "markdown", "markdown": {"title",
//!   "text"}}` or text; with 加签, the query parameters `timestamp`
//!   (milliseconds) and `sign`: HMAC-SHA256 keyed with the secret over
//!   `timestamp + "\n" + secret`, base64, URL-encoded.
//! - A JSON webhook: whatever JSON the caller gives, as it is.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::policy::MessageFormat;

/// The most a robot takes in one message, in bytes of UTF-8 (企业微信:
/// markdown 4096, text 2048; 钉钉 and 飞书 take about 20,000).
pub fn limit(kind: crate::policy::ChannelKind, format: MessageFormat) -> Option<usize> {
    use crate::policy::ChannelKind as K;
    match (kind, format) {
        (K::Wecom, MessageFormat::Markdown) => Some(4096),
        (K::Wecom, MessageFormat::Text) => Some(2048),
        (K::Feishu | K::Dingtalk, _) => Some(18_000),
        _ => None,
    }
}

/// 企业微信's body.
pub fn wecom(format: MessageFormat, text: &str, markdown: &str) -> Value {
    match format {
        MessageFormat::Markdown => {
            json!({"msgtype": "markdown", "markdown": {"content": markdown}})
        }
        MessageFormat::Text => json!({"msgtype": "text", "text": {"content": text}}),
    }
}

/// 飞书's body, signed when there is a secret (`timestamp` in seconds).
pub fn feishu(text: &str, secret: Option<&str>, timestamp: i64) -> Value {
    let mut body = json!({"msg_type": "text", "content": {"text": text}});
    if let Some(secret) = secret {
        body["timestamp"] = json!(timestamp.to_string());
        body["sign"] = json!(feishu_sign(secret, timestamp));
    }
    body
}

/// 飞书's signature: the key is `timestamp + "\n" + secret`, the message
/// empty.
pub fn feishu_sign(secret: &str, timestamp: i64) -> String {
    let key = format!("{timestamp}\n{secret}");
    let mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
    BASE64.encode(mac.finalize().into_bytes())
}

/// 钉钉's body.
pub fn dingtalk(format: MessageFormat, title: &str, text: &str, markdown: &str) -> Value {
    match format {
        MessageFormat::Markdown => {
            json!({"msgtype": "markdown", "markdown": {"title": title, "text": markdown}})
        }
        MessageFormat::Text => json!({"msgtype": "text", "text": {"content": text}}),
    }
}

/// 钉钉's query parameters when there is a secret (`timestamp` in
/// milliseconds): `timestamp` and `sign`, the latter already URL-encoded.
pub fn dingtalk_query(secret: Option<&str>, timestamp_ms: i64) -> Vec<(String, String)> {
    let Some(secret) = secret else {
        return Vec::new();
    };
    let sign = dingtalk_sign(secret, timestamp_ms);
    let encoded: String =
        percent_encoding::utf8_percent_encode(&sign, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    vec![
        ("timestamp".to_string(), timestamp_ms.to_string()),
        ("sign".to_string(), encoded),
    ]
}

/// 钉钉's signature before URL-encoding: keyed with the secret, over
/// `timestamp + "\n" + secret`.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// `url` with the query parameters (already encoded) added.
pub fn with_query(url: &str, query: &[(String, String)]) -> String {
    let mut out = url.to_string();
    for (k, v) in query {
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// POSTs `body` as JSON. A robot answers 200 with an error code in the
/// body when it refuses (`errcode` for 企业微信 and 钉钉, `code` for 飞书):
/// that is a failure too.
pub fn post(url: &str, query: &[(String, String)], body: &str) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(with_query(url, query))
        .header("Content-Type", "application/json; charset=utf-8")
        .send(body)
        .map_err(|e| without_url(&e.to_string(), url))?;
    let status = response.status();
    let text = response
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_string()
        .unwrap_or_default();
    if !status.is_success() {
        return Err(format!("HTTP {status}: {}", short(&text)));
    }
    refused(&text).map_or(Ok(()), Err)
}

/// What a robot's answer says went wrong, if it says so.
fn refused(answer: &str) -> Option<String> {
    let v: Value = serde_json::from_str(answer).ok()?;
    let code = ["errcode", "code", "StatusCode"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_i64))?;
    if code == 0 {
        return None;
    }
    let why = ["errmsg", "msg", "StatusMessage"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .unwrap_or("");
    Some(format!("{code} {why}").trim().to_string())
}

fn short(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// An error's text with the address (which holds the robot's key) left out.
fn without_url(message: &str, url: &str) -> String {
    let mut m = message.replace(url, "<url>");
    if let Some((_, query)) = url.split_once('?') {
        m = m.replace(query, "…");
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The algorithms of the robots' documentation, as their Python
    /// samples compute them (values from those samples, run once).
    #[test]
    fn signatures_as_the_robots_documentation_computes_them() {
        // 飞书: hmac.new(f"{ts}\n{secret}".encode(), b"", sha256), base64.
        assert_eq!(
            feishu_sign("secret", 1599360473),
            "q4jswNiMy51J5JuQV566yJat0/lQ/c+22kINzUgKsGU="
        );
        // 钉钉: hmac.new(secret, f"{ts}\n{secret}", sha256), base64, quote_plus.
        assert_eq!(
            dingtalk_sign("SECxxx", 1577262236757),
            "TajHYUQC5a6smO3qjKNgFiJalsQ51g5gqH0iiy2oY+o="
        );
        let q = dingtalk_query(Some("SECxxx"), 1577262236757);
        assert_eq!(q[0], ("timestamp".into(), "1577262236757".into()));
        assert_eq!(q[1].1, "TajHYUQC5a6smO3qjKNgFiJalsQ51g5gqH0iiy2oY%2Bo%3D");
        assert!(dingtalk_query(None, 1).is_empty());
    }

    #[test]
    fn a_refusal_in_the_body_is_a_failure() {
        assert_eq!(refused(r#"{"errcode":0,"errmsg":"ok"}"#), None);
        assert_eq!(refused(r#"{"code":0,"msg":"success"}"#), None);
        assert_eq!(
            refused(r#"{"errcode":310000,"errmsg":"sign not match"}"#).as_deref(),
            Some("310000 sign not match")
        );
        assert_eq!(refused("ok"), None);
    }

    #[test]
    fn the_key_in_an_address_stays_out_of_errors() {
        let url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET";
        let m = without_url(&format!("connection to {url} failed"), url);
        assert!(!m.contains("SECRET"), "{m}");
    }
}
