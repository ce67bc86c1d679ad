//! Messages in the two languages of the interface. Every error a planner can see says what went
//! wrong and where in Chinese and in English; the English text is also what the log and the
//! command line print (the error's `Display`).

/// An error or message a user may read, in Chinese and in English.
pub trait Bilingual: std::fmt::Display {
    /// The message in Chinese.
    fn zh(&self) -> String;

    /// The message in English (the `Display` text unless the type says otherwise).
    fn en(&self) -> String {
        self.to_string()
    }

    /// The message in the interface's language.
    fn message(&self, english: bool) -> String {
        if english { self.en() } else { self.zh() }
    }
}

/// Both at once, "中文 / English", for places that cannot know the reader's language (the
/// command line's stderr, the log).
pub fn both(e: &dyn Bilingual) -> String {
    format!("{} / {}", e.zh(), e.en())
}

/// An error and its causes in one line, `error: cause: cause`, each text once (network and
/// database drivers often repeat their source's message in their own).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// A message with the values of secrets in it (`tk=…`, `key=…` and so `apikey=…`, `token=…` and
/// so `access_token=…`; any case) replaced by `***`, before it is kept, logged or shown: tile and
/// service addresses carry keys, and an error names its address.
pub fn redact_secrets(message: &str) -> String {
    let mut out = message.to_owned();
    for marker in ["tk=", "key=", "token="] {
        // ASCII lower-casing keeps byte offsets, so positions found in it hold in the text.
        let lower = out.to_ascii_lowercase();
        let mut result = String::with_capacity(out.len());
        let mut last = 0;
        let mut from = 0;
        while let Some(pos) = lower[from..].find(marker).map(|p| p + from) {
            let start = pos + marker.len();
            let end = out[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.%".contains(c)))
                .map_or(out.len(), |e| start + e);
            result.push_str(&out[last..start]);
            result.push_str("***");
            last = end;
            from = start;
        }
        result.push_str(&out[last..]);
        out = result;
    }
    out
}

/// The Chinese for an operating-system error, as a planner would read it: the common kinds in
/// Chinese (文件不存在, 没有权限, 磁盘空间不足…), anything else as the system's own text. An error
/// made with a message of its own (not straight from the system) keeps that message after the
/// Chinese.
pub fn io_error_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let kind = match e.kind() {
        ErrorKind::NotFound => "文件不存在",
        ErrorKind::PermissionDenied => "没有权限",
        ErrorKind::AlreadyExists => "文件已存在",
        ErrorKind::StorageFull => "磁盘空间不足",
        ErrorKind::ReadOnlyFilesystem => "磁盘为只读",
        ErrorKind::IsADirectory => "这是文件夹，不是文件",
        ErrorKind::NotADirectory => "路径中有一项不是文件夹",
        _ => return e.to_string(),
    };
    match e.get_ref() {
        Some(inner) => format!("{kind}（{inner}）"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn common_io_errors_are_in_chinese_and_the_rest_keep_the_system_text() {
        assert_eq!(io_error_zh(&Error::from(ErrorKind::NotFound)), "文件不存在");
        assert_eq!(io_error_zh(&Error::from(ErrorKind::PermissionDenied)), "没有权限");
        assert_eq!(io_error_zh(&Error::new(ErrorKind::NotFound, "layer x")), "文件不存在（layer x）");
        let other = Error::other("disk on fire");
        assert_eq!(io_error_zh(&other), "disk on fire");
    }
}
