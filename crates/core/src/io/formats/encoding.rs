//! Text encodings of attribute tables: what a `.cpg` or a DBF language-driver byte says, and
//! what the bytes themselves say when nothing does.
//!
//! Chinese planning data is written by ArcGIS and older tools in GBK (code page 936); newer tools
//! write UTF-8. A shapefile says which in its `.cpg`, sometimes only in the DBF header's
//! language-driver byte (0x4D = CP936), often nowhere. Then the bytes decide: text that is not
//! valid UTF-8 but decodes cleanly as GB18030 (a superset of GBK and GB2312) is GB18030.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A text encoding the app reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextEncoding {
    /// UTF-8 (code page 65001).
    Utf8,
    /// GBK (code page 936, also named CP936; GB2312 is a subset).
    Gbk,
    /// GB18030, the national standard superset of GBK.
    Gb18030,
    /// Big5 (code page 950), traditional Chinese.
    Big5,
    /// Windows-1252 (Western European, what many English tools write).
    Windows1252,
}

impl TextEncoding {
    /// Every encoding, in menu order.
    pub const ALL: [TextEncoding; 5] =
        [TextEncoding::Utf8, TextEncoding::Gbk, TextEncoding::Gb18030, TextEncoding::Big5, TextEncoding::Windows1252];

    /// The encoding_rs codec.
    pub fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Gbk => encoding_rs::GBK,
            TextEncoding::Gb18030 => encoding_rs::GB18030,
            TextEncoding::Big5 => encoding_rs::BIG5,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }

    /// The name written to a `.cpg` and shown to the user.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gbk => "GBK",
            TextEncoding::Gb18030 => "GB18030",
            TextEncoding::Big5 => "BIG5",
            TextEncoding::Windows1252 => "1252",
        }
    }

    /// Decodes bytes, replacing what cannot be decoded (and saying whether anything was).
    pub fn decode(self, bytes: &[u8]) -> (String, bool) {
        let (text, had_errors) = self.codec().decode_without_bom_handling(bytes);
        (text.into_owned(), had_errors)
    }

    /// Encodes text; characters the encoding lacks become numeric references (`&#...;`).
    pub fn encode(self, text: &str) -> Vec<u8> {
        self.codec().encode(text).0.into_owned()
    }

    /// What a `.cpg` file (or a user) calls it: `UTF-8`, `65001`, `GBK`, `CP936`, `936`,
    /// `GB2312`, `GB18030`, `54936`, `BIG5`, `950`, `1252`, `ANSI 936`…
    pub fn from_label(label: &str) -> Option<TextEncoding> {
        let t = label.trim().trim_start_matches('\u{feff}').to_ascii_uppercase().replace(['-', '_', ' '], "");
        let t = t.strip_prefix("ANSI").unwrap_or(&t);
        let t = t.strip_prefix("CP").or_else(|| t.strip_prefix("WINDOWS")).unwrap_or(t);
        Some(match t {
            "UTF8" | "65001" => TextEncoding::Utf8,
            "GBK" | "936" | "GB2312" | "EUCCN" => TextEncoding::Gbk,
            "GB18030" | "54936" => TextEncoding::Gb18030,
            "BIG5" | "950" => TextEncoding::Big5,
            "1252" | "LATIN1" | "ISO88591" => TextEncoding::Windows1252,
            _ => return None,
        })
    }

    /// What a DBF header's language-driver byte (offset 29) says, when it names one of these.
    pub fn from_ldid(ldid: u8) -> Option<TextEncoding> {
        match ldid {
            0x4D | 0x7A => Some(TextEncoding::Gbk),
            0x4F | 0x78 => Some(TextEncoding::Big5),
            0x03 => Some(TextEncoding::Windows1252),
            _ => None,
        }
    }

    /// The language-driver byte to write for this encoding (0 for UTF-8, which has none).
    pub fn ldid(self) -> u8 {
        match self {
            TextEncoding::Gbk | TextEncoding::Gb18030 => 0x4D,
            TextEncoding::Big5 => 0x4F,
            TextEncoding::Windows1252 => 0x03,
            TextEncoding::Utf8 => 0x00,
        }
    }

    /// Detects the encoding of text bytes: UTF-8 when they are valid UTF-8, GB18030 when they
    /// are not but decode cleanly as GB18030, else `None`.
    pub fn detect(bytes: &[u8]) -> Option<TextEncoding> {
        if std::str::from_utf8(bytes).is_ok() {
            return Some(TextEncoding::Utf8);
        }
        let (_, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        (!had_errors).then_some(TextEncoding::Gb18030)
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TextEncoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TextEncoding::from_label(s).ok_or_else(|| {
            format!("unknown text encoding {s:?}; accepted: UTF-8, GBK (CP936, GB2312), GB18030, BIG5, 1252")
        })
    }
}

/// Where the encoding used for a file came from, for the layer's details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingSource {
    /// The user chose it.
    Declared,
    /// The `.cpg` file.
    Cpg,
    /// The DBF language-driver byte.
    Ldid,
    /// Detected from the bytes.
    Detected,
    /// The format fixes it (GeoPackage, KML and GeoJSON are UTF-8).
    Format,
}

impl EncodingSource {
    /// Chinese and English wording.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            EncodingSource::Declared => ("用户指定", "chosen by the user"),
            EncodingSource::Cpg => (".cpg 文件", "the .cpg file"),
            EncodingSource::Ldid => ("DBF 语言驱动字节", "the DBF language-driver byte"),
            EncodingSource::Detected => ("按内容识别", "detected from the bytes"),
            EncodingSource::Format => ("格式规定", "fixed by the format"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_code_pages_and_detection() {
        for (label, want) in [
            ("UTF-8", TextEncoding::Utf8),
            ("utf8", TextEncoding::Utf8),
            ("65001", TextEncoding::Utf8),
            ("GBK", TextEncoding::Gbk),
            ("CP936", TextEncoding::Gbk),
            ("ANSI 936", TextEncoding::Gbk),
            ("GB2312", TextEncoding::Gbk),
            ("GB18030", TextEncoding::Gb18030),
            ("\u{feff}BIG5\r\n", TextEncoding::Big5),
        ] {
            assert_eq!(TextEncoding::from_label(label), Some(want), "{label:?}");
        }
        assert_eq!(TextEncoding::from_label("KOI8-R"), None);
        assert_eq!(TextEncoding::from_ldid(0x4D), Some(TextEncoding::Gbk));
        assert_eq!(TextEncoding::from_ldid(0x57), None, "0x57 is 'the system's ANSI page': no answer");
        let name = "齐鲁创智园";
        assert_eq!(TextEncoding::detect(name.as_bytes()), Some(TextEncoding::Utf8));
        let gbk = TextEncoding::Gbk.encode(name);
        assert_ne!(gbk, name.as_bytes());
        assert_eq!(TextEncoding::detect(&gbk), Some(TextEncoding::Gb18030));
        assert_eq!(TextEncoding::Gb18030.decode(&gbk), (name.to_owned(), false));
        assert_eq!(TextEncoding::detect(&[0xFF, 0xFF, 0xFF]), None);
    }
}
