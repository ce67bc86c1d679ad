//! HTTP for the services: one blocking client (our User-Agent, a 10-second connection limit, 30
//! seconds for a whole answer, the system proxy), answers read up to a size limit, OGC exception
//! reports recognised whatever the status, and the query-string helpers the requests are built
//! with. Nothing here logs or shows an address with its key.

use kuiwen_core::i18n::error_chain as chain;
use std::io::Read;
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::Url;

use crate::error::{OgcError, Reason, redact};
use crate::xml;

/// Longest wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for a whole answer (one capabilities document, one page of features, one tile).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Answers larger than this are refused (a page of features is a few MB at most).
pub const MAX_BODY_BYTES: u64 = 256 << 20;

/// The User-Agent sent to services: who we are, as the basemap crate says it to tile servers.
pub fn user_agent() -> String {
    format!("KuiwenAtlas/{} (desktop planning map viewer; {})", env!("CARGO_PKG_VERSION"), env!("CARGO_PKG_NAME"))
}

/// The shared client, made on first use.
pub fn client() -> Result<&'static reqwest::blocking::Client, OgcError> {
    static CLIENT: OnceLock<Result<reqwest::blocking::Client, OgcError>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::blocking::Client::builder()
                .user_agent(user_agent())
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(REQUEST_TIMEOUT)
                .build()
                .map_err(|e| OgcError::Client(redact(&chain(&e))))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// A successful answer.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The address asked (keys included: never show it unredacted).
    pub url: String,
    /// The `Content-Type`, lower case (may be empty).
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// Whether the body looks like XML (by its first character).
    pub fn is_xml(&self) -> bool {
        first_byte(&self.body) == Some(b'<')
    }

    /// Whether the body looks like a JSON object.
    pub fn is_json_object(&self) -> bool {
        first_byte(&self.body) == Some(b'{')
    }

    /// A short description of what the body is, for messages ("an HTML page", "XML (root
    /// element FeatureCollection)", "text/plain: …").
    pub fn describe(&self) -> Reason {
        describe_body(&self.content_type, &self.body)
    }
}

fn first_byte(body: &[u8]) -> Option<u8> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// What a body is, in a few words, in both languages.
pub fn describe_body(content_type: &str, body: &[u8]) -> Reason {
    let start: String =
        String::from_utf8_lossy(&body[..body.len().min(300)]).chars().filter(|c| !c.is_control()).take(80).collect();
    let start = start.trim();
    let lower = start.to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        return Reason::new("an HTML page (text/html)", "HTML 网页（text/html）");
    }
    if start.starts_with('<')
        && let Ok(root) = xml::parse(body)
    {
        return Reason::new(format!("XML (root element {})", root.name), format!("XML（根元素 {}）", root.name));
    }
    let (kind, kind_zh) =
        if content_type.is_empty() { ("no content type", "未注明类型") } else { (content_type, content_type) };
    if start.is_empty() {
        Reason::new(format!("an empty answer ({kind})"), format!("空内容（{kind_zh}）"))
    } else {
        let start = redact(start);
        Reason::new(format!("{kind}: {start}"), format!("{kind_zh}：{start}"))
    }
}

/// The exception report in an XML body (`ows:ExceptionReport` of OWS 1.1/2.0, WMS's
/// `ServiceExceptionReport`), as (code, text).
pub fn exception_report(body: &[u8]) -> Option<(String, String)> {
    if first_byte(body) != Some(b'<') {
        return None;
    }
    let root = xml::parse(body).ok()?;
    if root.name != "ExceptionReport" && root.name != "ServiceExceptionReport" {
        return None;
    }
    let ex = root
        .descendants("Exception")
        .into_iter()
        .next()
        .or_else(|| root.descendants("ServiceException").into_iter().next());
    let Some(ex) = ex else { return Some(("unknown".to_owned(), root.trimmed())) };
    let code = ex.attr("exceptionCode").or_else(|| ex.attr("code")).unwrap_or("unknown").to_owned();
    let mut text: Vec<String> = ex.children_named("ExceptionText").map(Element::trimmed).collect();
    if text.is_empty() {
        text.push(ex.trimmed());
    }
    if let Some(locator) = ex.attr("locator").filter(|l| !l.is_empty()) {
        text.push(format!("(locator: {locator})"));
    }
    Some((code, text.join(" ")))
}

use crate::xml::Element;

/// GET an address. An HTTP error, an exception report (whatever the status), a timeout or an
/// answer over [`MAX_BODY_BYTES`] is an error.
pub fn get(url: &str, accept: &str) -> Result<Answer, OgcError> {
    let shown = redact(url);
    log::debug!("GET {shown}");
    let resp = client()?.get(url).header(reqwest::header::ACCEPT, accept).send().map_err(|e| {
        if e.is_timeout() {
            OgcError::Timeout { url: shown.clone(), seconds: REQUEST_TIMEOUT.as_secs() }
        } else {
            OgcError::Unreachable { url: shown.clone(), cause: redact(&chain(&e.without_url())) }
        }
    })?;
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut body = Vec::new();
    resp.take(MAX_BODY_BYTES + 1).read_to_end(&mut body).map_err(|e| {
        if e.kind() == std::io::ErrorKind::TimedOut || chain(&e).contains("timed out") {
            OgcError::Timeout { url: shown.clone(), seconds: REQUEST_TIMEOUT.as_secs() }
        } else {
            OgcError::Unreachable { url: shown.clone(), cause: redact(&chain(&e)) }
        }
    })?;
    if body.len() as u64 > MAX_BODY_BYTES {
        return Err(OgcError::TooLarge { url: shown, limit_mb: MAX_BODY_BYTES >> 20 });
    }
    if let Some((code, text)) = exception_report(&body) {
        return Err(OgcError::ServiceException { url: shown, code, text: redact(&text) });
    }
    if !(200..300).contains(&status) {
        return Err(OgcError::Http { url: shown, status });
    }
    Ok(Answer { url: url.to_owned(), content_type, body })
}

/// Parse an http(s) address.
pub fn parse_url(text: &str) -> Result<Url, OgcError> {
    let t = text.trim();
    let bad = |en: &str, zh: &str| OgcError::BadUrl { url: redact(t), why: Reason::new(en, zh) };
    let url = Url::parse(t).map_err(|e| bad(&e.to_string(), &format!("不是有效的网址（{e}）")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad("only http:// and https:// addresses are allowed", "只允许 http:// 或 https:// 地址"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("the address has no host", "地址缺少主机名"));
    }
    Ok(url)
}

/// The query pairs of an address, decoded.
pub fn query_pairs(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The value of a query parameter, the name compared without case.
pub fn query_value(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.into_owned())
}

/// The address without the named query parameters (compared without case); the others (keys,
/// `map=` of MapServer…) stay as they were written.
pub fn without_params(url: &Url, names: &[&str]) -> Url {
    let mut out = url.clone();
    out.set_fragment(None);
    let kept = raw_pairs_except(url, names);
    let query = kept.join("&");
    out.set_query(if kept.is_empty() { None } else { Some(&query) });
    out
}

/// The raw `key=value` pieces of a query (as written, still encoded) whose keys are not named.
pub fn raw_pairs_except(url: &Url, names: &[&str]) -> Vec<String> {
    url.query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p.split('=').next().unwrap_or_default();
            !names.iter().any(|n| n.eq_ignore_ascii_case(key))
        })
        .map(str::to_owned)
        .collect()
}

/// An address with parameters added (encoded as a form would encode them).
pub fn with_params(url: &Url, params: &[(&str, String)]) -> String {
    let mut out = url.clone();
    if !params.is_empty() {
        let mut q = out.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    out.to_string()
}

/// Percent-encode a value for a URL template: everything but letters, digits and `-._~:,/@!$*`
/// (so `image/png`, `EPSG:900913:` and `topp:states` stay readable).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:,/@!$*".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Append raw `key=value` pieces to an address written as text: `?` or `&` as needed.
pub fn append_raw(base: &str, pieces: &[String]) -> String {
    let mut out = base.to_owned();
    for p in pieces {
        if !(out.ends_with('?') || out.ends_with('&')) {
            out.push(if out.contains('?') { '&' } else { '?' });
        }
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_helpers_keep_keys_and_drop_ogc_parameters() {
        let u = parse_url("https://h/geoserver/wfs?service=WFS&REQUEST=GetCapabilities&tk=K1&map=/a%20b.map")
            .unwrap_or_else(|e| panic!("{e}"));
        let base = without_params(&u, &["service", "request"]);
        assert_eq!(base.as_str(), "https://h/geoserver/wfs?tk=K1&map=/a%20b.map");
        assert_eq!(query_value(&u, "Service").as_deref(), Some("WFS"));
        assert_eq!(raw_pairs_except(&u, &["service", "request", "map"]), vec!["tk=K1".to_owned()]);
        assert_eq!(append_raw("http://h/w?", &["a=1".into(), "b=2".into()]), "http://h/w?a=1&b=2");
        assert_eq!(append_raw("http://h/w", &["a=1".into()]), "http://h/w?a=1");
        assert_eq!(encode("topp:states 规"), "topp:states%20%E8%A7%84");
        assert!(parse_url("ftp://h/x").is_err() && parse_url("not a url").is_err());
    }

    #[test]
    fn exception_reports_are_recognised() {
        let body = br#"<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" version="2.0.0"><ows:Exception exceptionCode="InvalidParameterValue" locator="typeNames"><ows:ExceptionText>Unknown type nope</ows:ExceptionText></ows:Exception></ows:ExceptionReport>"#;
        let (code, text) = exception_report(body).unwrap_or_else(|| panic!("not recognised"));
        assert_eq!(code, "InvalidParameterValue");
        assert!(text.contains("Unknown type nope") && text.contains("typeNames"), "{text}");
        assert!(exception_report(b"{\"type\":\"FeatureCollection\"}").is_none());
        assert_eq!(describe_body("text/html", b"<!DOCTYPE html><html>").en, "an HTML page (text/html)");
    }
}
