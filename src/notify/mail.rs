//! Mail through SMTP (lettre): one plain-text UTF-8 mail per person. The
//! SMTP URL says how: `smtps://user:pass@host` (TLS, port 465),
//! `smtp://user:pass@host?tls=required` (STARTTLS, port 587), or
//! `smtp://host:port` (plain, for a relay on the same machine).

use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};

#[derive(Debug, Clone)]
pub struct Mail {
    /// `mkt 市场部 <mkt@example.com>`, as policy.toml has it.
    pub from: String,
    /// `赵磊 <zhao.lei@example.com>`.
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// `name <address>`, when the address is one a mail can go to.
pub fn mailbox(name: &str, address: &str) -> Option<String> {
    let address: lettre::Address = address.trim().parse().ok()?;
    Some(Mailbox::new(Some(name.to_string()), address).to_string())
}

pub fn send(url: &str, m: &Mail) -> Result<(), String> {
    let parse = |s: &str| s.parse::<Mailbox>().map_err(|e| format!("{s}: {e}"));
    let message = Message::builder()
        .from(parse(&m.from)?)
        .to(parse(&m.to)?)
        .subject(&m.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())
        .map_err(|e| e.to_string())?;
    let transport = SmtpTransport::from_url(url)
        .map_err(|e| hide_password(&e.to_string(), url))?
        .timeout(Some(Duration::from_secs(30)))
        .build();
    transport
        .send(&message)
        .map(|_| ())
        .map_err(|e| hide_password(&e.to_string(), url))
}

/// An error's text without the URL's password.
fn hide_password(message: &str, url: &str) -> String {
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.password().map(str::to_string))
    {
        Some(p) if !p.is_empty() => message.replace(&p, "***"),
        _ => message.to_string(),
    }
}
