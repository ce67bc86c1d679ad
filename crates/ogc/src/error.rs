//! The crate's one error type, [`OgcError`]: what went wrong with a service, said in Chinese and
//! English as the other crates do ([`Bilingual`]). Addresses in messages never hold keys: `tk=`,
//! `key=` and `token=` values are replaced by `***` ([`redact`]).

use kuiwen_core::Bilingual;

/// A reason in both languages (why a layer cannot be a basemap, why an address is unusable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// In English.
    pub en: String,
    /// In Chinese.
    pub zh: String,
}

impl Reason {
    /// A reason from its two texts.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self { en: en.into(), zh: zh.into() }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl Bilingual for Reason {
    fn zh(&self) -> String {
        self.zh.clone()
    }
}

/// Why a service could not be read or used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OgcError {
    /// The text is not an address the crate can use.
    #[error("the service address {url:?} cannot be used: {why}")]
    BadUrl {
        /// The address (keys removed).
        url: String,
        /// What is wrong.
        why: Reason,
    },
    /// The HTTP client could not be made (TLS roots, proxy settings).
    #[error("cannot create the HTTP client: {0}")]
    Client(String),
    /// No connection (offline, wrong host, refused).
    #[error("cannot reach {url}: {cause}")]
    Unreachable {
        /// The address (keys removed).
        url: String,
        /// The system's words.
        cause: String,
    },
    /// The server did not answer in time.
    #[error("{url} did not answer within {seconds} s")]
    Timeout {
        /// The address (keys removed).
        url: String,
        /// The limit.
        seconds: u64,
    },
    /// An HTTP error status.
    #[error("{url} answered HTTP {status}{}", http_hint_en(*status))]
    Http {
        /// The address (keys removed).
        url: String,
        /// The status code.
        status: u16,
    },
    /// The service refused the request with an OGC exception report (`ows:ExceptionReport`,
    /// `ServiceExceptionReport`).
    #[error("the service refused the request ({code}): {text} [{url}]")]
    ServiceException {
        /// The address (keys removed).
        url: String,
        /// The `exceptionCode` (or `code`).
        code: String,
        /// The exception text.
        text: String,
    },
    /// The answer is larger than the crate reads.
    #[error("the answer from {url} is larger than {limit_mb} MB")]
    TooLarge {
        /// The address (keys removed).
        url: String,
        /// The limit.
        limit_mb: u64,
    },
    /// The answer is not well-formed XML.
    #[error("the answer from {url} is not well-formed XML: {message}")]
    BadXml {
        /// The address (keys removed).
        url: String,
        /// The parser's message.
        message: String,
    },
    /// The answer is something other than the capabilities document expected.
    #[error("{url} did not return the capabilities of a WFS, WMTS or WMS service or an OGC API Features page: {found}")]
    NotCapabilities {
        /// The address (keys removed).
        url: String,
        /// What came instead.
        found: Reason,
    },
    /// A feature page that is not GeoJSON (HTML, GML, plain text…).
    #[error("{url} returned {found}, not GeoJSON")]
    NotGeoJson {
        /// The address (keys removed).
        url: String,
        /// What came instead.
        found: Reason,
    },
    /// A GeoJSON page the core's reader refused.
    #[error("the GeoJSON from {url} cannot be read: {why}")]
    GeoJson {
        /// The address (keys removed).
        url: String,
        /// The reader's diagnostic.
        why: Reason,
    },
    /// The WFS offers no GeoJSON output format.
    #[error(
        "the WFS offers no GeoJSON output for {layer} (its formats: {}); ask its administrator to enable GeoJSON (GeoServer: application/json)",
        formats.join(", ")
    )]
    NoGeoJsonOutput {
        /// The layer.
        layer: String,
        /// The formats it offers.
        formats: Vec<String>,
    },
    /// The layer is not at this service.
    #[error("the service has no layer {layer:?}; it has: {}", list(available))]
    UnknownLayer {
        /// The layer asked for.
        layer: String,
        /// The layers it has.
        available: Vec<String>,
    },
    /// More features than the app loads at once.
    #[error(
        "{layer} has more than {limit} features{}: zoom in so that the view asks for fewer, or use a smaller area",
        matched.map(|m| format!(" ({m} match)")).unwrap_or_default()
    )]
    TooManyFeatures {
        /// The layer.
        layer: String,
        /// The most features loaded at once.
        limit: usize,
        /// How many the server said match, when it said.
        matched: Option<u64>,
    },
    /// The server answered a later page with the first page again.
    #[error("the server ignores paging ({url} repeated the previous page): the features would be duplicated")]
    PagingIgnored {
        /// The address (keys removed).
        url: String,
    },
    /// The address is none of the services the crate reads.
    #[error("{url} is not a WFS, OGC API Features, WMTS or WMS address")]
    UnknownService {
        /// The address (keys removed).
        url: String,
    },
    /// A tile layer that cannot be drawn as a Web Mercator basemap.
    #[error("{layer} cannot be used as a basemap: {why}")]
    Unsupported {
        /// The layer.
        layer: String,
        /// Why.
        why: Reason,
    },
    /// A `WFS:` or `OAPIF:` spec that names no layer.
    #[error("{spec:?} names no layer: write WFS:https://host/wfs?typeNames=NAME or OAPIF:https://host/collections/ID")]
    NoLayerName {
        /// The spec (keys removed).
        spec: String,
    },
}

fn http_hint_en(status: u16) -> &'static str {
    match status {
        401 | 403 => " (access refused: a missing or wrong key, or no permission)",
        404 => " (not found: check the address and the layer name)",
        500..=599 => " (an error in the server)",
        _ => "",
    }
}

fn http_hint_zh(status: u16) -> &'static str {
    match status {
        401 | 403 => "（拒绝访问：密钥缺失或错误，或没有权限）",
        404 => "（未找到：请检查地址和图层名）",
        500..=599 => "（服务器内部出错）",
        _ => "",
    }
}

/// At most ten names, then "…".
fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    let mut shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
    if names.len() > 10 {
        shown.push("…");
    }
    shown.join(", ")
}

impl Bilingual for OgcError {
    fn zh(&self) -> String {
        match self {
            OgcError::BadUrl { url, why } => format!("服务地址“{url}”无法使用：{}", why.zh),
            OgcError::Client(cause) => format!("无法初始化网络连接（HTTP 客户端）：{cause}"),
            OgcError::Unreachable { url, cause } => format!("无法连接服务 {url}：{cause}"),
            OgcError::Timeout { url, seconds } => format!("服务 {url} 在 {seconds} 秒内没有响应"),
            OgcError::Http { url, status } => format!("服务 {url} 返回 HTTP {status}{}", http_hint_zh(*status)),
            OgcError::ServiceException { url, code, text } => {
                format!("服务拒绝了请求（{code}）：{text}［{url}］")
            }
            OgcError::TooLarge { url, limit_mb } => format!("{url} 返回的内容超过 {limit_mb} MB"),
            OgcError::BadXml { url, message } => format!("{url} 返回的不是格式正确的 XML：{message}"),
            OgcError::NotCapabilities { url, found } => {
                format!("{url} 返回的不是 WFS、WMTS 或 WMS 服务的能力文档，也不是 OGC API Features 页面：{}", found.zh)
            }
            OgcError::NotGeoJson { url, found } => format!("{url} 返回的是{}，不是 GeoJSON", found.zh),
            OgcError::GeoJson { url, why } => format!("{url} 返回的 GeoJSON 无法读取：{}", why.zh),
            OgcError::NoGeoJsonOutput { layer, formats } => format!(
                "该 WFS 不提供图层 {layer} 的 GeoJSON 输出（可用格式：{}）；请联系服务管理员启用 GeoJSON（GeoServer：application/json）",
                formats.join("、")
            ),
            OgcError::UnknownLayer { layer, available } => {
                let names = if available.is_empty() { "无".to_owned() } else { list(available) };
                format!("该服务没有图层“{layer}”；现有图层：{names}")
            }
            OgcError::TooManyFeatures { layer, limit, matched } => format!(
                "{layer} 的要素超过 {limit} 个{}：请放大地图，使当前视图范围内的要素少一些，或换一个较小的范围",
                matched.map(|m| format!("（共 {m} 个）")).unwrap_or_default()
            ),
            OgcError::PagingIgnored { url } => {
                format!("服务器不支持分页（{url} 重复返回了上一页）：继续读取会得到重复的要素")
            }
            OgcError::UnknownService { url } => {
                format!("{url} 不是 WFS、OGC API Features、WMTS 或 WMS 服务地址")
            }
            OgcError::Unsupported { layer, why } => format!("{layer} 不能用作底图：{}", why.zh),
            OgcError::NoLayerName { spec } => format!(
                "“{spec}”没有指明图层：请写成 WFS:https://主机/wfs?typeNames=图层名 或 OAPIF:https://主机/collections/图层ID"
            ),
        }
    }
}

/// Remove secrets (`tk=…`, `key=…`, `token=…`, `access_token=…`, `apikey=…` values) from a text
/// before it is kept or shown.
pub fn redact(text: &str) -> String {
    kuiwen_core::i18n::redact_secrets(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_reach_a_message() {
        assert_eq!(redact("http://t0.x/wmts?tk=abc123&a=1"), "http://t0.x/wmts?tk=***&a=1");
        assert_eq!(redact("http://x/?apikey=Q-1_2.3"), "http://x/?apikey=***");
        assert_eq!(redact("http://x/?TK=abc"), "http://x/?TK=***");
        assert_eq!(redact("nothing here"), "nothing here");
    }

    #[test]
    fn every_error_speaks_both_languages() {
        let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let errors = [
            OgcError::Http { url: "http://h/wfs".into(), status: 500 },
            OgcError::Timeout { url: "http://h".into(), seconds: 30 },
            OgcError::TooManyFeatures { layer: "parks".into(), limit: 10, matched: Some(12) },
            OgcError::UnknownLayer { layer: "x".into(), available: vec!["a".into(), "b".into()] },
            OgcError::NoGeoJsonOutput { layer: "x".into(), formats: vec!["GML2".into()] },
            OgcError::Unsupported { layer: "vec".into(), why: Reason::new("in degrees", "经纬度") },
        ];
        for e in errors {
            assert!(han(&e.zh()), "{}", e.zh());
            assert!(!han(&e.en()), "{}", e.en());
            assert_eq!(e.message(true), e.to_string());
        }
        let e = OgcError::TooManyFeatures { layer: "parks".into(), limit: 10, matched: Some(12) };
        assert!(e.to_string().contains("12 match") && e.zh().contains("共 12 个"), "{e}");
    }
}
