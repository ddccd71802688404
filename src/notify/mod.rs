//! Sending (`mkt notify`): the only code that talks to the network. Group
//! chat robots (企业微信, 飞书, 钉钉) and JSON webhooks over HTTP(S) with
//! ureq, mail over SMTP with lettre, both on rustls. A channel's address
//! and secret come from the environment variables policy.toml names, read
//! once by the caller; what is sent is built here whole first, so a dry
//! run shows exactly that.

pub mod chat;
pub mod mail;
pub mod state;

use crate::policy::Channel;

/// A channel as it can be used here: the policy's entry with its address
/// (and secret) read from the environment.
#[derive(Debug, Clone)]
pub struct Ready<'p> {
    pub channel: &'p Channel,
    /// The webhook address or the SMTP URL.
    pub url: String,
    pub secret: Option<String>,
}

/// Why a channel cannot be used where mkt runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// Its address variable is not set: the channel is not used here.
    NoAddress(String),
    /// Its address is set, its secret variable is not.
    NoSecret(String),
}

/// Reads a channel's variables with `var` (the environment, in a run).
pub fn ready<'p>(
    channel: &'p Channel,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Ready<'p>, NotReady> {
    let set = |name: &str| {
        var(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let url = set(&channel.url_env).ok_or_else(|| NotReady::NoAddress(channel.url_env.clone()))?;
    let secret = match &channel.secret_env {
        Some(name) => Some(set(name).ok_or_else(|| NotReady::NoSecret(name.clone()))?),
        None => None,
    };
    Ok(Ready {
        channel,
        url,
        secret,
    })
}

/// One thing to send.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A JSON body POSTed to the channel's address, with these query
    /// parameters added (钉钉's signature).
    Post {
        query: Vec<(String, String)>,
        body: String,
    },
    Mail(mail::Mail),
}

/// Sends one message through a channel. The error says what went wrong
/// in the words of the server or the connection (never the address,
/// which may hold a key).
pub fn send(ready: &Ready, out: &Outgoing) -> Result<(), String> {
    match out {
        Outgoing::Post { query, body } => chat::post(&ready.url, query, body),
        Outgoing::Mail(m) => mail::send(&ready.url, m),
    }
}
