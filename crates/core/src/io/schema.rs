//! Reading a layer's field schema sidecar: `NAME.schema.json` beside the data file
//! (`parks.schema.json` for `parks.shp`, `parks.geojson` or `parks.gdb`). Planners write it by hand
//! to give the institute's field codes (`TZE`, `XMMC`) Chinese and English names, units and an
//! order, and to hide fields; the format is in the README and [`crate::model::schema::FieldPatch`].
//!
//! A hand-written file is often wrong. A broken sidecar never stops the layer: the layer shows with
//! the default names (the raw keys), and the error says which file, line and column, in both
//! languages.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::i18n::{Bilingual, io_error_zh};
use crate::model::LayerOrigin;
use crate::model::schema::{FieldPatch, LayerSchema};

/// Larger than any schema a person writes: a bigger file is the wrong file, not one to parse.
const MAX_SIDECAR_BYTES: u64 = 4 << 20;

/// The sidecar's top level.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SidecarFile {
    /// The format's version; only 1 exists.
    #[serde(default, deserialize_with = "version_one")]
    #[allow(dead_code)]
    version: Option<u32>,
    /// A note for whoever edits the file; ignored.
    #[serde(default)]
    #[allow(dead_code)]
    comment: Option<String>,
    /// The fields, in the order the card lists them.
    #[serde(deserialize_with = "checked_fields")]
    fields: Vec<FieldPatch>,
}

fn version_one<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match Option::<u32>::deserialize(d)? {
        Some(v) if v != 1 => Err(serde::de::Error::custom(format!("version {v} is not known (only 1 is)"))),
        v => Ok(v),
    }
}

/// The fields, each with a non-empty key (checked here so the error carries the position).
fn checked_fields<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FieldPatch>, D::Error> {
    let fields = Vec::<FieldPatch>::deserialize(d)?;
    if let Some(i) = fields.iter().position(|f| f.key.trim().is_empty()) {
        return Err(serde::de::Error::custom(format!("field #{} has an empty `key`", i + 1)));
    }
    Ok(fields)
}

/// A sidecar that could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The file exists but could not be read.
    #[error("cannot read the field schema {}: {source}", path.display())]
    Io {
        /// The sidecar.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Far larger than a schema.
    #[error("the field schema {} is {size_bytes} bytes, far more than a schema: is it the right file?", path.display())]
    TooLarge {
        /// The sidecar.
        path: PathBuf,
        /// Its size.
        size_bytes: u64,
    },
    /// Not valid JSON, or not the schema's format.
    #[error(
        "field schema {}, line {line}, column {column}: {message}. The layer shows its field names as in the file until this is fixed.",
        path.display()
    )]
    Invalid {
        /// The sidecar.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, in English.
        message: String,
        /// The same in Chinese.
        message_zh: String,
    },
}

impl SchemaError {
    /// The sidecar the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. } | Self::TooLarge { path, .. } | Self::Invalid { path, .. } => path,
        }
    }

    /// The line of the problem, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Invalid { line, .. } => Some(*line),
            _ => None,
        }
    }
}

impl Bilingual for SchemaError {
    fn zh(&self) -> String {
        match self {
            Self::Io { path, source } => format!("无法读取字段配置 {}：{}", path.display(), io_error_zh(source)),
            Self::TooLarge { path, size_bytes } => {
                format!("字段配置 {} 有 {size_bytes} 字节，远大于字段配置应有的大小：是否选错了文件？", path.display())
            }
            Self::Invalid { path, line, column, message_zh, .. } => format!(
                "字段配置 {} 第 {line} 行第 {column} 列有误：{message_zh}。改正前，该图层的属性按文件中的原字段名显示。",
                path.display()
            ),
        }
    }
}

/// Where the sidecar of a data file is: the file's name with `.schema.json` for its extension.
pub fn sidecar_path(data: &Path) -> PathBuf {
    data.with_extension("schema.json")
}

/// Read a sidecar; `Ok(None)` when there is none (the usual case).
pub fn read_sidecar(path: &Path) -> Result<Option<Vec<FieldPatch>>, SchemaError> {
    let size_bytes = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(SchemaError::Io { path: path.to_owned(), source }),
    };
    if size_bytes > MAX_SIDECAR_BYTES {
        return Err(SchemaError::TooLarge { path: path.to_owned(), size_bytes });
    }
    match std::fs::read(path) {
        Ok(bytes) => parse_sidecar(&bytes, path).map(Some),
        // Removed between the two calls: as if it had never been there.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SchemaError::Io { path: path.to_owned(), source }),
    }
}

/// Parse a sidecar's bytes; `path` only names the file in errors.
pub fn parse_sidecar(bytes: &[u8], path: &Path) -> Result<Vec<FieldPatch>, SchemaError> {
    // Windows Notepad saves UTF-8 with a byte-order mark; JSON does not allow one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice::<SidecarFile>(bytes).map(|f| f.fields).map_err(|e| invalid(&e, path))
}

/// A serde_json error as the planner reads it: where, and what, in both languages.
fn invalid(e: &serde_json::Error, path: &Path) -> SchemaError {
    use serde_json::error::Category;
    // serde_json's text ends with " at line L column C", which the error says in its own words.
    let full = e.to_string();
    let detail = full.rsplit_once(" at line ").map_or(full.as_str(), |(d, _)| d).to_owned();
    let (message, message_zh) = match e.classify() {
        Category::Eof => (
            "the file ends too early (a bracket or a quote not closed?)".to_owned(),
            "文件提前结束（是否有括号或引号没有闭合？）".to_owned(),
        ),
        Category::Syntax => {
            (format!("not valid JSON ({detail})"), format!("不是有效的 JSON：{}", syntax_error_zh(&detail)))
        }
        Category::Io => (detail.clone(), detail),
        Category::Data => (detail.clone(), data_error_zh(&detail)),
    };
    SchemaError::Invalid {
        path: path.to_owned(),
        line: e.line().max(1),
        column: e.column().max(1),
        message,
        message_zh,
    }
}

/// The Chinese of the usual JSON slips of a hand-edited file (serde_json's words otherwise).
fn syntax_error_zh(detail: &str) -> String {
    let zh = match detail {
        "expected `,` or `]`" => "此处缺少逗号，或少了“]”",
        "expected `,` or `}`" => "此处缺少逗号，或少了“}”",
        "trailing comma" => "最后一项后面多了逗号",
        "expected value" => "此处应有一个值（是否多了逗号，或用了中文引号？）",
        "key must be a string" => "设置项的名称要用英文双引号括起来",
        "expected `:`" => "此处缺少冒号“:”",
        "control character (\\u0000-\\u001F) found while parsing a string" => "引号内有换行或控制字符",
        "trailing characters" => "文件结尾后还有多余的内容",
        _ => return detail.to_owned(),
    };
    format!("{zh}（{detail}）")
}

/// The Chinese of serde's usual complaints about the format (the names in backticks kept).
fn data_error_zh(detail: &str) -> String {
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_owned();
    if detail.starts_with("unknown field") {
        format!(
            "未知的设置项 `{}`（可用：key、zh、en、unit、unit_en、decimals、code、hidden、figure、role、values）",
            quoted(detail)
        )
    } else if detail.starts_with("missing field") {
        format!("缺少 `{}`", quoted(detail))
    } else if detail.starts_with("unknown variant") {
        format!("`{}` 不是可用的取值（{detail}）", quoted(detail))
    } else if detail.starts_with("invalid type") {
        format!("类型不对（{detail}）")
    } else if detail.contains("empty `key`") {
        format!("有一个字段的 `key` 为空（{detail}）")
    } else {
        format!("内容不符合字段配置的格式（{detail}）")
    }
}

/// A layer's schema: the defaults for where it came from, with its file's sidecar applied. A
/// broken sidecar leaves the defaults and comes back beside them.
pub fn layer_schema(origin: &LayerOrigin) -> (LayerSchema, Option<SchemaError>) {
    let mut schema = LayerSchema::for_origin(origin);
    let LayerOrigin::File { path } = origin else { return (schema, None) };
    match read_sidecar(&sidecar_path(path)) {
        Ok(Some(patches)) => {
            schema.apply(patches);
            (schema, None)
        }
        Ok(None) => (schema, None),
        Err(e) => (schema, Some(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::Unit;

    fn parse(text: &str) -> Result<Vec<FieldPatch>, SchemaError> {
        parse_sidecar(text.as_bytes(), Path::new("/data/parks.schema.json"))
    }

    #[test]
    fn the_sidecar_sits_beside_the_data() {
        assert_eq!(sidecar_path(Path::new("/d/parks.shp")), Path::new("/d/parks.schema.json"));
        assert_eq!(sidecar_path(Path::new("/d/parks.geojson")), Path::new("/d/parks.schema.json"));
        assert_eq!(sidecar_path(Path::new("/d/规划.gdb")), Path::new("/d/规划.schema.json"));
    }

    #[test]
    fn a_sidecar_is_read_with_a_bom_and_applied() {
        let text = "\u{feff}{\"version\": 1, \"comment\": \"园区字段\", \"fields\": [\n  {\"key\": \"TZE\", \"zh\": \"总投资\", \"en\": \"Total investment\", \"unit\": \"万元\"},\n  {\"key\": \"BZ\", \"hidden\": true}\n]}";
        let patches = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let mut s = LayerSchema::default();
        s.apply(patches);
        assert_eq!(s.field("TZE").label(false), "总投资");
        assert_eq!(s.field("TZE").unit, Some(Unit::Money { yuan_per_unit: 1e4 }));
        assert!(s.field("BZ").hidden);
    }

    #[test]
    fn a_broken_sidecar_says_where_in_both_languages() {
        // A missing comma on line 3.
        let e = parse("{\"fields\": [\n  {\"key\": \"TZE\", \"zh\": \"总投资\"}\n  {\"key\": \"BZ\"}\n]}")
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(e.line(), Some(3));
        assert!(e.zh().contains("parks.schema.json 第 3 行第 3 列"), "{}", e.zh());
        assert!(e.en().contains("parks.schema.json, line 3, column 3"), "{}", e.en());
        // A misspelt setting is named, with the position.
        let e =
            parse("{\"fields\": [\n {\"key\": \"BZ\", \"hiden\": true}]}").err().unwrap_or_else(|| panic!("accepted"));
        assert!(e.zh().contains("未知的设置项 `hiden`") && e.zh().contains("第 2 行"), "{}", e.zh());
        // Not an object with `fields`; an empty key; an unknown role; a cut-off file.
        for bad in [
            "[]",
            "{\"fields\": [{\"key\": \" \"}]}",
            "{\"fields\": [{\"key\": \"A\", \"role\": \"boss\"}]}",
            "{\"fields\": [",
            "{\"version\": 2, \"fields\": []}",
        ] {
            let e = parse(bad).err().unwrap_or_else(|| panic!("accepted {bad}"));
            assert!(e.line().is_some() && e.zh().contains("字段配置"), "{bad}: {}", e.zh());
        }
    }

    #[test]
    fn the_readme_s_example_sidecar_reads() {
        let readme = include_str!("../../../../README.md");
        let section = readme.split("## Field names and units").nth(1).unwrap_or_else(|| panic!("no sidecar section"));
        let example = section.split("```json").nth(1).and_then(|s| s.split("```").next()).unwrap_or_default();
        let patches = parse(example).unwrap_or_else(|e| panic!("the README's example: {e}"));
        let mut s = LayerSchema::default();
        s.apply(patches);
        assert_eq!(s.fields[0].key, "XMMC");
        assert_eq!(s.field("YDMJ").unit, Some(Unit::Text { zh: "亩".into(), en: "mu".into() }));
        assert_eq!(s.field("ZT").value_label("2", true), Some("规划"));
        assert!(s.field("XZQDM").code && s.field("BZ").hidden && s.field("TZE").figure);
    }

    #[test]
    fn a_missing_sidecar_is_not_an_error_and_a_broken_one_keeps_the_defaults() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data = dir.path().join("parks.geojson");
        let origin = LayerOrigin::File { path: data.clone() };
        let (s, err) = layer_schema(&origin);
        assert!(err.is_none() && s.fields.is_empty());
        std::fs::write(sidecar_path(&data), "{\"fields\": [{\"key\": \"TZE\", \"zh\": \"总投资\"},]}")
            .unwrap_or_else(|e| panic!("{e}"));
        let (s, err) = layer_schema(&origin);
        assert_eq!(s.field("TZE").label(false), "TZE");
        assert!(err.is_some_and(|e| e.path().ends_with("parks.schema.json")));
    }
}
