//! GeoJSON (RFC 7946) loading with validation a planner can act on.
//!
//! The text is parsed with serde_json (which gives line and column for syntax errors), then
//! walked by hand so that every problem names the feature and the line it starts on, says what
//! is wrong in Chinese and English, and suggests the fix. Good features of a file load even when
//! some are bad; the caller decides whether a file with errors replaces what it had.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde::Serialize;
use serde_json::{Map, Value};

use super::crs::{Crs, guess_projected};
use super::scan::{LineIndex, feature_offsets, line_col};
use crate::i18n::{Bilingual, io_error_zh};
use crate::model::{BBox, Feature, bbox_union};

/// Files larger than this are refused before reading (2 GiB): the app would not hold them anyway.
pub const MAX_FILE_BYTES: u64 = 2 << 30;

/// The largest file read by the detailed (general) loader, 256 MiB. It builds a JSON tree of the
/// whole file first, about 17 bytes of memory per byte of file (measured: 1,000,000 empty features
/// in 53 MB took 966 MB), so a 2 GiB file would need some 35 GB and the system would kill the app
/// with everything the planner had open. Bigger files load only through the fast path (clean
/// FeatureCollections, in memory about the size of their geometry).
pub const MAX_DETAILED_BYTES: u64 = 256 << 20;

/// How a file is read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadOptions {
    /// The coordinate system the user declared for the file; `None` means "what the file says
    /// (legacy `crs` member, `.prj`…), else WGS84".
    pub declared_crs: Option<Crs>,
    /// The text encoding the user chose for the attributes (shapefile, CSV, DXF); `None` means
    /// "what the file says, else detected".
    pub encoding: Option<super::formats::TextEncoding>,
    /// The layer to read from a file that holds several (GeoPackage, File Geodatabase, DXF);
    /// `None` means the first.
    pub layer: Option<String>,
}

impl LoadOptions {
    /// Options with only a declared coordinate system.
    pub fn with_crs(declared_crs: Option<Crs>) -> Self {
        Self { declared_crs, ..Self::default() }
    }
}

/// Where a layer came from, beyond its path: format, text encoding and layer name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceInfo {
    /// The format's name ("GeoJSON", "ESRI Shapefile", "GeoPackage"…).
    pub format: &'static str,
    /// The text encoding used, and what said so.
    pub encoding: Option<(super::formats::TextEncoding, super::formats::EncodingSource)>,
    /// The layer read, for files that hold several.
    pub layer: Option<String>,
    /// Every layer of the file, for files that hold several.
    pub layers: Vec<String>,
}

/// One problem found in a file, with where it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// What is wrong and what to do, in English.
    pub message: String,
    /// The same in Chinese.
    #[serde(skip)]
    pub message_zh: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// 0-based index of the feature in the collection, when the problem is inside one.
    pub feature: Option<usize>,
}

impl Diagnostic {
    /// A problem with no location yet.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self { message: en.into(), message_zh: zh.into(), line: None, column: None, feature: None }
    }

    /// "line 12, column 3, feature #4" (or the Chinese form), for messages.
    pub fn location(&self, english: bool) -> String {
        let mut parts = Vec::new();
        if let Some(l) = self.line {
            parts.push(if english { format!("line {l}") } else { format!("第 {l} 行") });
        }
        if let Some(c) = self.column {
            parts.push(if english { format!("column {c}") } else { format!("第 {c} 列") });
        }
        if let Some(f) = self.feature {
            parts.push(if english { format!("feature #{f}") } else { format!("第 {f} 个要素") });
        }
        parts.join(if english { ", " } else { "，" })
    }

    /// The message in the chosen language.
    pub fn text(&self, english: bool) -> &str {
        if english || self.message_zh.is_empty() { &self.message } else { &self.message_zh }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let loc = self.location(true);
        if loc.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{loc}: {}", self.message) }
    }
}

/// The Chinese is the location and [`Diagnostic::message_zh`] (the English where there is no
/// Chinese), as the `Display` is for English.
impl Bilingual for Diagnostic {
    fn zh(&self) -> String {
        let loc = self.location(false);
        let text = self.text(false);
        if loc.is_empty() { text.to_owned() } else { format!("{loc}：{text}") }
    }
}

/// A file that could not be read as GeoJSON at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is larger than the app accepts.
    #[error("{} is {size_bytes} bytes, more than the {limit_bytes} bytes the app opens", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size_bytes: u64,
        /// The limit.
        limit_bytes: u64,
    },
    /// Not GeoJSON (bad JSON, wrong top level, unsupported crs…): the diagnostic says where.
    #[error("{0}")]
    Invalid(Diagnostic),
    /// The coordinates are not longitude/latitude and nothing says which system they are in: the
    /// planner must choose ([`super::crs::crs_candidates`] lists where each choice puts them).
    #[error("{diagnostic}")]
    NeedsCrs {
        /// A coordinate from the file, as written.
        x: f64,
        /// Its second number.
        y: f64,
        /// What is wrong and what to do (boxed: the error stays small).
        diagnostic: Box<Diagnostic>,
    },
    /// The user cancelled the load.
    #[error("loading cancelled")]
    Cancelled,
    /// A bug in the loader (a panic, caught at the loading thread and logged); the file may be fine.
    #[error("internal error while reading {}: {message} (logged; please report it with the file)", path.display())]
    Internal {
        /// The file.
        path: PathBuf,
        /// The panic message.
        message: String,
    },
}

impl LoadError {
    /// The diagnostic form (for `check` output and the UI). The Chinese of an error without a
    /// diagnostic of its own is [`Bilingual::zh`]'s.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            LoadError::Invalid(d) => d.clone(),
            LoadError::NeedsCrs { diagnostic, .. } => (**diagnostic).clone(),
            other => Diagnostic::new(other.to_string(), other.zh()),
        }
    }
}

impl Bilingual for LoadError {
    fn zh(&self) -> String {
        match self {
            LoadError::Io { path, source } => format!("无法读取 {}：{}", path.display(), io_error_zh(source)),
            LoadError::TooLarge { path, size_bytes, limit_bytes } => {
                format!("{} 大小为 {size_bytes} 字节，超过本程序可打开的上限（{limit_bytes} 字节）", path.display())
            }
            LoadError::Invalid(d) => d.zh(),
            LoadError::NeedsCrs { diagnostic, .. } => diagnostic.zh(),
            LoadError::Cancelled => "已取消载入".to_owned(),
            LoadError::Internal { path, message } => {
                format!("读取 {} 时程序内部出错：{message}（已记入日志；请连同文件一起报告）", path.display())
            }
        }
    }
}

/// The result of reading a file: what loaded, and what was wrong.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// The features that loaded, in WGS84.
    pub features: Vec<Feature>,
    /// Problems that made a feature (or the file) unusable. A file with errors is invalid.
    pub errors: Vec<Diagnostic>,
    /// Things worth knowing that did not stop loading (3D coordinates, BOM, foreign members…).
    pub warnings: Vec<Diagnostic>,
    /// The coordinate system the file was read in.
    pub crs: Crs,
    /// The collection's own `name` member, if any (many tools write one), or the layer's name.
    pub name: Option<String>,
    /// Format, encoding and layer.
    pub source: SourceInfo,
}

impl Parsed {
    /// Whether the file is valid (no errors).
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Count of features per GeoJSON geometry type name (`"Polygon"`, …; `"null"` for none).
    pub fn geometry_types(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for f in &self.features {
            *m.entry(geometry_type_name(f.geometry.as_ref()).to_owned()).or_insert(0) += 1;
        }
        m
    }

    /// The box around every feature.
    pub fn bbox(&self) -> Option<BBox> {
        self.features.iter().fold(None, |acc, f| bbox_union(acc, f.bbox))
    }
}

/// The GeoJSON type name of a geometry.
pub fn geometry_type_name(g: Option<&Geometry<f64>>) -> &'static str {
    match g {
        None => "null",
        Some(Geometry::Point(_)) => "Point",
        Some(Geometry::MultiPoint(_)) => "MultiPoint",
        Some(Geometry::LineString(_) | Geometry::Line(_)) => "LineString",
        Some(Geometry::MultiLineString(_)) => "MultiLineString",
        Some(Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_)) => "Polygon",
        Some(Geometry::MultiPolygon(_)) => "MultiPolygon",
        Some(Geometry::GeometryCollection(_)) => "GeometryCollection",
    }
}

/// Read and parse a file.
pub fn load_path(path: &Path, options: LoadOptions) -> Result<Parsed, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size_bytes: meta.len(),
            limit_bytes: MAX_FILE_BYTES,
        });
    }
    let never = std::sync::atomic::AtomicBool::new(false);
    load_path_with_progress(path, options, &std::sync::atomic::AtomicU64::new(0), &never)
}

/// Read and parse a file, reporting bytes read through `bytes_read` and stopping early when
/// `cancel` is set (checked between 1 MiB chunks). For background loads with a progress bar.
pub fn load_path_with_progress(
    path: &Path,
    options: LoadOptions,
    bytes_read: &std::sync::atomic::AtomicU64,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Parsed, LoadError> {
    use std::io::Read;
    use std::sync::atomic::Ordering;
    let shown = path.to_path_buf();
    let format = super::formats::Format::detect(path)?;
    if format != super::formats::Format::GeoJson {
        let total_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let progress = super::formats::Progress::new(bytes_read, cancel, total_bytes);
        return super::formats::read(path, format, &options, &progress);
    }
    let io_err = |source| LoadError::Io { path: shown.clone(), source };
    let mut file = std::fs::File::open(path).map_err(io_err)?;
    let size = file.metadata().map_err(io_err)?.len();
    if size > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge { path: shown, size_bytes: size, limit_bytes: MAX_FILE_BYTES });
    }
    // Big clean files stream through the fast path, never whole in memory; anything unusual is
    // read again below, whole, for the general loader's precise messages.
    let mut file = match super::fast::try_parse_reader(&mut file, size, options.clone(), bytes_read, cancel) {
        Ok(super::fast::Streamed::Parsed(mut parsed)) => {
            parsed.source.format = "GeoJSON";
            return Ok(parsed);
        }
        Ok(super::fast::Streamed::Cancelled) => return Err(LoadError::Cancelled),
        Ok(super::fast::Streamed::Fallback) if size >= super::fast::FAST_PATH_MIN_BYTES as u64 => {
            bytes_read.store(0, Ordering::Relaxed);
            std::fs::File::open(path).map_err(io_err)?
        }
        Ok(super::fast::Streamed::Fallback) => file,
        Err(source) => return Err(LoadError::Io { path: shown, source }),
    };
    let mut bytes = Vec::with_capacity(size as usize);
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(LoadError::Cancelled);
        }
        let n = file.read(&mut chunk).map_err(io_err)?;
        if n == 0 {
            break;
        }
        if bytes.len() as u64 + n as u64 > MAX_FILE_BYTES {
            return Err(LoadError::TooLarge {
                path: shown,
                size_bytes: bytes.len() as u64 + n as u64,
                limit_bytes: MAX_FILE_BYTES,
            });
        }
        bytes.extend_from_slice(&chunk[..n]);
        bytes_read.store(bytes.len() as u64, Ordering::Relaxed);
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(LoadError::Cancelled);
    }
    let mut parsed = parse_bytes_general(&bytes, options)?;
    parsed.source.format = "GeoJSON";
    Ok(parsed)
}

fn invalid(en: impl Into<String>, zh: impl Into<String>) -> LoadError {
    LoadError::Invalid(Diagnostic::new(en, zh))
}

/// Parse GeoJSON text (a FeatureCollection, a Feature or a bare geometry).
pub fn parse_bytes(bytes: &[u8], options: LoadOptions) -> Result<Parsed, LoadError> {
    if let Some(parsed) = super::fast::try_parse(bytes, options.clone()) {
        return Ok(parsed);
    }
    parse_bytes_general(bytes, options)
}

/// The validating loader alone (the fast path already declined).
fn parse_bytes_general(bytes: &[u8], options: LoadOptions) -> Result<Parsed, LoadError> {
    if bytes.len() as u64 > MAX_DETAILED_BYTES {
        let mb = bytes.len() >> 20;
        return Err(invalid(
            format!(
                "the file is {mb} MiB and not a plain RFC 7946 FeatureCollection (a byte-order mark, a legacy \"crs\" member, an invalid feature or a syntax error): files over {} MiB are read only when plain, since checking them in detail would need about 17 times their size in memory. Re-export it, e.g. ogr2ogr -f GeoJSON -lco RFC7946=YES out.geojson in.geojson, or split it",
                MAX_DETAILED_BYTES >> 20
            ),
            format!(
                "文件有 {mb} MiB，且不是纯粹的 RFC 7946 FeatureCollection（有 BOM、旧式 \"crs\" 成员、无效要素或语法错误）：超过 {} MiB 的文件只有在格式纯粹时才能读取，因为逐项检查需要约 17 倍于文件大小的内存。请重新导出，例如 ogr2ogr -f GeoJSON -lco RFC7946=YES out.geojson in.geojson，或拆分文件",
                MAX_DETAILED_BYTES >> 20
            ),
        ));
    }
    let mut warnings = Vec::new();
    let mut text = bytes;
    if let Some(rest) = text.strip_prefix(b"\xEF\xBB\xBF") {
        text = rest;
        warnings.push(Diagnostic::new(
            "the file starts with a UTF-8 byte-order mark (ignored)",
            "文件以 UTF-8 BOM 开头（已忽略）",
        ));
    }
    if text.starts_with(b"\xFF\xFE") || text.starts_with(b"\xFE\xFF") {
        return Err(invalid(
            "the file is UTF-16 encoded; GeoJSON must be UTF-8: save it again as UTF-8",
            "文件是 UTF-16 编码；GeoJSON 必须是 UTF-8：请另存为 UTF-8",
        ));
    }
    if let Err(e) = std::str::from_utf8(text) {
        let (line, column) = line_col(text, e.valid_up_to());
        let mut d = Diagnostic::new(
            "the file is not valid UTF-8 text (perhaps GBK/GB18030): save it again as UTF-8",
            "文件不是有效的 UTF-8 文本（可能是 GBK/GB18030 编码）：请另存为 UTF-8",
        );
        d.line = Some(line);
        d.column = Some(column);
        return Err(LoadError::Invalid(d));
    }
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(invalid("the file is empty", "文件是空的"));
    }
    // JSON text never holds a NUL byte; near the start it means UTF-16 (or UTF-32) without a
    // byte-order mark, which is what Windows "Unicode" saves.
    if text.iter().take(4).any(|&b| b == 0) {
        return Err(invalid(
            "the file is UTF-16 (or binary), not UTF-8 text: GeoJSON must be UTF-8; save it again as UTF-8",
            "文件是 UTF-16 编码（或二进制文件），不是 UTF-8 文本；GeoJSON 必须是 UTF-8：请另存为 UTF-8",
        ));
    }
    let root: Value = serde_json::from_slice(text).map_err(|e| json_error(text, &e))?;
    let Value::Object(obj) = root else {
        return Err(invalid(
            format!("not GeoJSON: the top level is {}, it must be an object with a \"type\"", json_kind(&root)),
            format!("不是 GeoJSON：最外层是{}，应为带 \"type\" 的对象", json_kind_zh(&root)),
        ));
    };
    let ty = match obj.get("type") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(invalid(
                format!("not GeoJSON: \"type\" must be a string, found {}", json_kind(other)),
                format!("不是 GeoJSON：\"type\" 应为字符串，实际为{}", json_kind_zh(other)),
            ));
        }
        None => {
            return Err(invalid(
                "not GeoJSON: the top-level object has no \"type\" member",
                "不是 GeoJSON：最外层对象缺少 \"type\" 成员",
            ));
        }
    };

    let crs = resolve_crs(&obj, &options, &mut warnings)?;
    // Without a declared system or a "crs" member, an unmistakable Gauss-Krüger grid (an 8-digit
    // easting naming its zone) is read as such, with a warning saying so.
    let may_assume = options.declared_crs.is_none() && obj.get("crs").is_none_or(Value::is_null);
    let mut ctx = Ctx {
        crs,
        may_assume,
        projected_sample: None,
        errors: Vec::new(),
        warnings,
        feature: None,
        offset: None,
        lines: std::cell::OnceCell::new(),
        text,
        warned_3d: false,
        warned_projected: false,
        foreign: std::collections::BTreeSet::new(),
        collections: 0,
    };
    let offsets = feature_offsets(text);
    let mut features = Vec::new();
    match ty {
        "FeatureCollection" => {
            let list = match obj.get("features") {
                Some(Value::Array(a)) => a,
                Some(other) => {
                    return Err(invalid(
                        format!("\"features\" must be an array, found {}", json_kind(other)),
                        format!("\"features\" 应为数组，实际为{}", json_kind_zh(other)),
                    ));
                }
                None => {
                    return Err(invalid(
                        "a FeatureCollection needs a \"features\" array",
                        "FeatureCollection 缺少 \"features\" 数组",
                    ));
                }
            };
            for (i, v) in list.iter().enumerate() {
                ctx.feature = Some(i);
                // Line numbers are worked out only when a problem is reported: counting lines
                // for every feature of a large file would be quadratic.
                ctx.offset = offsets.get(i).copied();
                if let Some(f) = ctx.feature_from(v) {
                    features.push(f);
                }
            }
        }
        "Feature" => {
            ctx.feature = Some(0);
            if let Some(f) = ctx.feature_from(&Value::Object(obj.clone())) {
                features.push(f);
            }
        }
        "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
        | "GeometryCollection" => {
            if let Some(g) = ctx.geometry(&Value::Object(obj.clone()), 0) {
                features.push(Feature::new(None, Some(g), Map::new()));
            }
        }
        other => {
            return Err(invalid(
                format!(
                    "not GeoJSON: unknown \"type\": \"{other}\" (expected FeatureCollection, Feature or a geometry type; names are case-sensitive)"
                ),
                format!(
                    "不是 GeoJSON：未知的 \"type\"：\"{other}\"（应为 FeatureCollection、Feature 或几何类型，区分大小写）"
                ),
            ));
        }
    }
    if ty == "FeatureCollection" {
        ctx.foreign.extend(obj.keys().filter(|k| !COLLECTION_MEMBERS.contains(&k.as_str())).cloned());
    }
    ctx.report_once_per_file();
    let name = obj.get("name").and_then(Value::as_str).map(str::to_owned);
    // Nothing loaded because the numbers are metres in an unknown system: the planner chooses one.
    if features.is_empty()
        && let (Some((x, y)), Some(first)) = (ctx.projected_sample, ctx.errors.first())
    {
        return Err(LoadError::NeedsCrs { x, y, diagnostic: Box::new(first.clone()) });
    }
    Ok(Parsed { features, errors: ctx.errors, warnings: ctx.warnings, crs: ctx.crs, name, ..Parsed::default() })
}

/// A serde_json syntax error as a diagnostic: where, what, and for the mistakes other tools and
/// hand edits really make (NaN, comments, single quotes, several documents in one file, numbers
/// beyond f64) what to do about them.
fn json_error(text: &[u8], e: &serde_json::Error) -> LoadError {
    use serde_json::error::Category;
    let raw = e.to_string();
    let what = raw.split(" at line").next().unwrap_or_default();
    // serde_json reports the column of the byte where it stopped, 1-based; the offending token
    // starts there or just before.
    let offset = line_start(text, e.line()).saturating_add(e.column().saturating_sub(1)).min(text.len());
    let around = &text[offset.saturating_sub(1)..];
    let at = |token: &[u8]| around.starts_with(token) || around.get(1..).is_some_and(|r| r.starts_with(token));
    let (en, zh): (String, String) = if e.classify() == Category::Eof {
        (
            "the file ends too early (truncated or still being written?)".into(),
            "文件不完整（被截断或仍在写入？）".into(),
        )
    } else if at(b"NaN") || at(b"Infinity") || at(b"-Infinity") || at(b"+Infinity") {
        (
            "NaN and Infinity are not numbers in JSON (the tool that wrote the file produced an invalid value): replace them with real coordinates, or null for a missing geometry".into(),
            "JSON 中没有 NaN 和 Infinity（导出文件的软件写入了无效值）：请改为实际坐标，缺失的几何写 null".into(),
        )
    } else if at(b"//") || at(b"/*") {
        ("comments are not allowed in JSON: remove them".into(), "JSON 中不允许注释：请删除".into())
    } else if at(b"'") {
        (
            "JSON needs double quotes (\") around names and text, not single quotes".into(),
            "JSON 的名称和文本须用双引号（\"），不能用单引号".into(),
        )
    } else if at(b"\0") {
        (
            "the file contains NUL bytes: it is binary or UTF-16, not UTF-8 text".into(),
            "文件含有 NUL 字节：是二进制文件或 UTF-16 编码，不是 UTF-8 文本".into(),
        )
    } else if what.contains("trailing characters") {
        if text[offset.saturating_sub(1)..].trim_ascii_start().starts_with(b"{") {
            (
                "more than one JSON document in the file (one feature per line, \"GeoJSON Text Sequences\"?): a GeoJSON file is one FeatureCollection; convert it, e.g. ogr2ogr out.geojson in.geojsons".into(),
                "文件中有多个 JSON 文档（每行一个要素的 GeoJSONSeq？）：GeoJSON 文件应为一个 FeatureCollection；请转换，例如 ogr2ogr out.geojson in.geojsons".into(),
            )
        } else {
            ("text after the end of the GeoJSON: remove it".into(), "GeoJSON 结尾之后还有多余内容：请删除".into())
        }
    } else if what.contains("control character") {
        (
            "a line break or control character inside a text (string): is a closing quote (\") missing?".into(),
            "文本（字符串）中有换行或控制字符：是否缺少右引号（\"）？".into(),
        )
    } else if what.contains("number out of range") {
        (
            "a number is too large to be a coordinate or value (beyond ±1.8e308)".into(),
            "数值过大，无法作为坐标或属性值（超过 ±1.8e308）".into(),
        )
    } else if what.contains("recursion limit") {
        (
            "arrays or objects are nested more than 128 levels deep: no GeoJSON needs that many (is it really GeoJSON?)".into(),
            "数组或对象嵌套超过 128 层：GeoJSON 不需要这么深（确定是 GeoJSON 吗？）".into(),
        )
    } else {
        (what.to_owned(), what.to_owned())
    };
    let mut d = Diagnostic::new(format!("not valid JSON: {en}"), format!("不是有效的 JSON：{zh}"));
    d.line = Some(e.line().max(1));
    // serde_json says column 0 for a problem at a line break (found by fuzzing): columns are 1-based.
    d.column = Some(e.column().max(1));
    LoadError::Invalid(d)
}

/// Byte offset where 1-based `line` starts (the end of the text when there are fewer lines).
fn line_start(text: &[u8], line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
}

/// The coordinate system to read in: the user's declaration wins, then the legacy `crs` member.
fn resolve_crs(
    obj: &Map<String, Value>,
    options: &LoadOptions,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Crs, LoadError> {
    let named = obj.get("crs").and_then(|c| c.get("properties")).and_then(|p| p.get("name")).and_then(Value::as_str);
    if let Some(declared) = options.declared_crs {
        if named.is_some() {
            warnings.push(Diagnostic::new(
                format!("the file's \"crs\" member is overridden by the declared {}", declared.name()),
                format!("文件的 \"crs\" 成员被用户指定的 {} 覆盖", declared.name()),
            ));
        }
        return Ok(declared);
    }
    match (obj.get("crs"), named) {
        (None | Some(Value::Null), _) => Ok(Crs::Wgs84),
        (Some(_), Some(name)) => match crs_from_member(name) {
            Ok(c) => {
                warnings.push(Diagnostic::new(
                    format!("legacy \"crs\" member ({name}) honoured: read as {}", c.label_en()),
                    format!("已按旧式 \"crs\" 成员（{name}）读取：{}", c.label_zh()),
                ));
                Ok(c)
            }
            Err((en, zh)) => Err(invalid(
                format!("coordinate system in \"crs\" cannot be used: {name}: {en}"),
                format!("\"crs\" 中的坐标系无法使用：{name}：{zh}"),
            )),
        },
        (Some(_), None) => Err(invalid(
            "the \"crs\" member is not understood (expected {\"type\":\"name\",\"properties\":{\"name\":\"EPSG:…\"}})",
            "无法识别 \"crs\" 成员（应为 {\"type\":\"name\",\"properties\":{\"name\":\"EPSG:…\"}}）",
        )),
    }
}

/// The system a legacy `crs` member names (any EPSG code, as URN, URL or `EPSG:n`), or why not.
fn crs_from_member(name: &str) -> Result<Crs, (String, String)> {
    if let Some(c) = Crs::from_epsg_urn(name) {
        return Ok(c);
    }
    match super::crs::parse_epsg_code(name) {
        Some(code) => Crs::from_epsg(code).map_err(|e| (e.to_string(), e.zh())),
        None => Err((
            "not an EPSG code (expected e.g. urn:ogc:def:crs:EPSG::4528 or EPSG:4528)".to_owned(),
            "不是 EPSG 代码（应为 urn:ogc:def:crs:EPSG::4528 或 EPSG:4528 之类）".to_owned(),
        )),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn json_kind_zh(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "布尔值",
        Value::Number(_) => "数字",
        Value::String(_) => "字符串",
        Value::Array(_) => "数组",
        Value::Object(_) => "对象",
    }
}

/// Walking state: where we are, for messages.
struct Ctx<'t> {
    crs: Crs,
    /// Whether an unmistakable Gauss-Krüger grid may be assumed (nothing was declared).
    may_assume: bool,
    /// The first coordinate that looked projected while degrees were expected.
    projected_sample: Option<(f64, f64)>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    feature: Option<usize>,
    offset: Option<usize>,
    lines: std::cell::OnceCell<LineIndex>,
    text: &'t [u8],
    warned_3d: bool,
    warned_projected: bool,
    /// Members outside RFC 7946's vocabulary (foreign members), by name: reported once per file.
    foreign: std::collections::BTreeSet<String>,
    /// Features whose geometry is a GeometryCollection: reported once per file.
    collections: usize,
}

/// Members RFC 7946 defines for a feature; anything else is a foreign member.
const FEATURE_MEMBERS: [&str; 5] = ["type", "id", "properties", "geometry", "bbox"];
/// Members defined (or, for `crs` and `name`, widely written) for a collection.
const COLLECTION_MEMBERS: [&str; 5] = ["type", "features", "crs", "bbox", "name"];

const MAX_GEOMETRY_DEPTH: usize = 8;

impl Ctx<'_> {
    fn here(&self, en: impl Into<String>, zh: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::new(en, zh);
        d.feature = self.feature;
        if let Some((l, c)) = self.offset.map(|o| self.lines.get_or_init(|| LineIndex::new(self.text)).line_col(o)) {
            d.line = Some(l);
            d.column = Some(c);
        }
        d
    }

    fn error(&mut self, en: impl Into<String>, zh: impl Into<String>) {
        let d = self.here(en, zh);
        self.errors.push(d);
    }

    fn warn(&mut self, en: impl Into<String>, zh: impl Into<String>) {
        let d = self.here(en, zh);
        self.warnings.push(d);
    }

    /// The file-wide notes gathered while walking: foreign members and GeometryCollections.
    fn report_once_per_file(&mut self) {
        self.feature = None;
        self.offset = None;
        if !self.foreign.is_empty() {
            let names: Vec<String> = self.foreign.iter().take(8).map(|n| format!("\"{n}\"")).collect();
            let more = if self.foreign.len() > 8 { format!(" (+{})", self.foreign.len() - 8) } else { String::new() };
            let names = names.join(", ");
            self.warn(
                format!("foreign members {names}{more} are not attributes and are not kept (RFC 7946 §6.1)"),
                format!("外部成员 {names}{more} 不是属性，未保留（RFC 7946 §6.1）"),
            );
        }
        if self.collections > 0 {
            let n = self.collections;
            self.warn(
                format!("{n} feature(s) with a GeometryCollection: drawn part by part; shapefile export cannot hold mixed geometry"),
                format!("{n} 个要素的几何为 GeometryCollection：按各部分绘制；导出为 shapefile 时无法保存混合几何"),
            );
        }
    }

    fn feature_from(&mut self, v: &Value) -> Option<Feature> {
        let Value::Object(o) = v else {
            self.error(
                format!("a feature must be an object, found {}", json_kind(v)),
                format!("要素应为对象，实际为{}", json_kind_zh(v)),
            );
            return None;
        };
        match o.get("type").and_then(Value::as_str) {
            Some("Feature") => {}
            Some(t) => {
                self.error(
                    format!("\"type\" of a feature must be \"Feature\", found \"{t}\""),
                    format!("要素的 \"type\" 应为 \"Feature\"，实际为 \"{t}\""),
                );
                return None;
            }
            None => {
                self.error("the feature has no \"type\": \"Feature\"", "要素缺少 \"type\": \"Feature\"");
                return None;
            }
        }
        let properties = match o.get("properties") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(p)) => p.clone(),
            Some(other) => {
                self.error(
                    format!("\"properties\" must be an object or null, found {}", json_kind(other)),
                    format!("\"properties\" 应为对象或 null，实际为{}", json_kind_zh(other)),
                );
                return None;
            }
        };
        let id = match o.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                self.warn(
                    format!("\"id\" should be a string or number, found {} (ignored)", json_kind(other)),
                    format!("\"id\" 应为字符串或数字，实际为{}（已忽略）", json_kind_zh(other)),
                );
                None
            }
        };
        let geometry = match o.get("geometry") {
            None => {
                self.error(
                    "the feature has no \"geometry\" member (use null for none)",
                    "要素缺少 \"geometry\" 成员（没有几何时应写 null）",
                );
                return None;
            }
            Some(Value::Null) => None,
            Some(g) => Some(self.geometry(g, 0)?),
        };
        self.foreign.extend(o.keys().filter(|k| !FEATURE_MEMBERS.contains(&k.as_str())).cloned());
        if matches!(geometry, Some(Geometry::GeometryCollection(_))) {
            self.collections += 1;
        }
        Some(Feature::new(id, geometry, properties))
    }

    fn geometry(&mut self, v: &Value, depth: usize) -> Option<Geometry<f64>> {
        let Value::Object(o) = v else {
            self.error(
                format!("a geometry must be an object, found {}", json_kind(v)),
                format!("几何应为对象，实际为{}", json_kind_zh(v)),
            );
            return None;
        };
        let Some(ty) = o.get("type").and_then(Value::as_str) else {
            self.error("the geometry has no \"type\" string", "几何缺少 \"type\" 字符串");
            return None;
        };
        if ty == "GeometryCollection" {
            if depth >= MAX_GEOMETRY_DEPTH {
                self.error("GeometryCollections nested too deeply", "GeometryCollection 嵌套过深");
                return None;
            }
            let Some(Value::Array(parts)) = o.get("geometries") else {
                self.error(
                    "a GeometryCollection needs a \"geometries\" array",
                    "GeometryCollection 缺少 \"geometries\" 数组",
                );
                return None;
            };
            let mut out = Vec::with_capacity(parts.len());
            for p in parts {
                out.push(self.geometry(p, depth + 1)?);
            }
            return Some(Geometry::GeometryCollection(GeometryCollection(out)));
        }
        let Some(coords) = o.get("coordinates") else {
            self.error(format!("the {ty} has no \"coordinates\""), format!("{ty} 缺少 \"coordinates\""));
            return None;
        };
        match ty {
            "Point" => self.position(coords).map(|c| Geometry::Point(Point(c))),
            "MultiPoint" => {
                let list = self.array(coords, ty, "positions", "坐标")?;
                let pts = list.iter().map(|p| self.position(p).map(Point)).collect::<Option<Vec<_>>>()?;
                Some(Geometry::MultiPoint(MultiPoint(pts)))
            }
            "LineString" => self.line(coords).map(Geometry::LineString),
            "MultiLineString" => {
                let list = self.array(coords, ty, "lines", "线")?;
                let lines = list.iter().map(|l| self.line(l)).collect::<Option<Vec<_>>>()?;
                Some(Geometry::MultiLineString(MultiLineString(lines)))
            }
            "Polygon" => self.polygon(coords).map(Geometry::Polygon),
            "MultiPolygon" => {
                let list = self.array(coords, ty, "polygons", "多边形")?;
                let polys = list.iter().map(|p| self.polygon(p)).collect::<Option<Vec<_>>>()?;
                Some(Geometry::MultiPolygon(MultiPolygon(polys)))
            }
            other => {
                self.error(
                    format!("unknown geometry type \"{other}\" (expected Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon or GeometryCollection; case-sensitive)"),
                    format!("未知的几何类型 \"{other}\"（区分大小写）"),
                );
                None
            }
        }
    }

    fn array<'v>(&mut self, v: &'v Value, ty: &str, what_en: &str, what_zh: &str) -> Option<&'v Vec<Value>> {
        match v {
            Value::Array(a) => Some(a),
            other => {
                self.error(
                    format!("the coordinates of a {ty} must be an array of {what_en}, found {}", json_kind(other)),
                    format!("{ty} 的坐标应为{what_zh}数组，实际为{}", json_kind_zh(other)),
                );
                None
            }
        }
    }

    fn position(&mut self, v: &Value) -> Option<Coord<f64>> {
        let Value::Array(nums) = v else {
            self.error(
                format!("a position must be an array of numbers [lon, lat], found {}", json_kind(v)),
                format!("坐标点应为数字数组 [经度, 纬度]，实际为{}", json_kind_zh(v)),
            );
            return None;
        };
        if nums.len() < 2 {
            self.error(
                format!("a position needs at least 2 numbers [lon, lat], found {}", nums.len()),
                format!("坐标点至少需要 2 个数 [经度, 纬度]，实际为 {} 个", nums.len()),
            );
            return None;
        }
        let mut xy = [0.0f64; 2];
        for (k, n) in nums.iter().enumerate() {
            let Some(x) = n.as_f64() else {
                self.error(
                    format!("a coordinate must be a number, found {}", json_kind(n)),
                    format!("坐标值应为数字，实际为{}", json_kind_zh(n)),
                );
                return None;
            };
            if !x.is_finite() {
                self.error("a coordinate is not a finite number", "坐标值不是有限数");
                return None;
            }
            if k < 2 {
                xy[k] = x;
            }
        }
        if nums.len() > 2 && !self.warned_3d {
            self.warned_3d = true;
            if nums.len() > 3 {
                let n = nums.len();
                self.warn(
                    format!("positions with {n} numbers: only the first two (longitude, latitude) are used; GeoJSON allows at most 3 (the third is height)"),
                    format!("坐标点有 {n} 个数：仅使用前两个（经度、纬度）；GeoJSON 最多 3 个（第三个为高程）"),
                );
            } else {
                self.warn(
                    "3D coordinates: heights are kept out of the map (only lon/lat are used)",
                    "三维坐标：高程被忽略（仅使用经纬度）",
                );
            }
        }
        let (x, y) = (xy[0], xy[1]);
        if self.may_assume
            && !(-180.0..=180.0).contains(&x)
            && let Some(assumed) = super::crs::assume_gauss_kruger(x, y)
        {
            self.may_assume = false;
            self.crs = assumed;
            self.warn(
                format!(
                    "no coordinate system declared: the 8-digit eastings name the zone, read as {}",
                    assumed.label_en()
                ),
                format!("文件未声明坐标系：8 位横坐标含带号，已按 {} 读取", assumed.label_zh()),
            );
        }
        match self.crs {
            crs if crs.is_projected() => {
                let (lon, lat) = crs.to_wgs84(x, y);
                if !(-180.0..=180.0).contains(&lon)
                    || !(-90.0..=90.0).contains(&lat)
                    || !lon.is_finite()
                    || !lat.is_finite()
                {
                    self.error(
                        format!("coordinate ({x}, {y}) is outside the range of {}", crs.label_en()),
                        format!("坐标 ({x}, {y}) 超出 {} 的范围", crs.label_zh()),
                    );
                    return None;
                }
                Some(Coord { x: lon, y: lat })
            }
            crs => {
                if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) {
                    let (lon, lat) = crs.to_wgs84(x, y);
                    return Some(Coord { x: lon, y: lat });
                }
                if let Some(guess) = guess_projected(x, y) {
                    if !self.warned_projected {
                        self.warned_projected = true;
                        self.projected_sample = Some((x, y));
                        // Web Mercator files can be read as they are once declared.
                        let (cli_en, cli_zh) = if matches!(guess, super::crs::ProjectedGuess::WebMercator { .. }) {
                            (" On the command line: --crs webmercator.", "命令行：--crs webmercator。")
                        } else {
                            ("", "")
                        };
                        self.error(
                            format!("coordinate ({x}, {y}) is not longitude/latitude: {}{cli_en}", guess.advice_en()),
                            format!("坐标 ({x}, {y}) 不是经纬度：{}{cli_zh}", guess.advice_zh()),
                        );
                    }
                    return None;
                }
                if (-90.0..=90.0).contains(&x) && (-180.0..=180.0).contains(&y) && !(-90.0..=90.0).contains(&y) {
                    self.error(
                        format!("coordinate ({x}, {y}) is out of range: latitude {y} is beyond ±90. Are longitude and latitude swapped? GeoJSON is [lon, lat]"),
                        format!("坐标 ({x}, {y}) 超出范围：纬度 {y} 超过 ±90。经纬度是否写反了？GeoJSON 的顺序是 [经度, 纬度]"),
                    );
                } else {
                    self.error(
                        format!("coordinate ({x}, {y}) is out of range: longitude must be within ±180 and latitude within ±90"),
                        format!("坐标 ({x}, {y}) 超出范围：经度应在 ±180 之内，纬度应在 ±90 之内"),
                    );
                }
                None
            }
        }
    }

    fn line(&mut self, v: &Value) -> Option<LineString<f64>> {
        let list = self.array(v, "LineString", "positions", "坐标点")?;
        if list.len() < 2 {
            self.error(
                format!("a LineString needs at least 2 positions, found {}", list.len()),
                format!("LineString 至少需要 2 个坐标点，实际为 {} 个", list.len()),
            );
            return None;
        }
        let coords = list.iter().map(|p| self.position(p)).collect::<Option<Vec<_>>>()?;
        Some(LineString(coords))
    }

    fn polygon(&mut self, v: &Value) -> Option<Polygon<f64>> {
        let rings = self.array(v, "Polygon", "rings", "环")?;
        if rings.is_empty() {
            self.error("a Polygon needs at least one ring", "Polygon 至少需要一个环");
            return None;
        }
        let mut out = Vec::with_capacity(rings.len());
        for (r, ring) in rings.iter().enumerate() {
            let list = self.array(ring, "Polygon ring", "positions", "坐标点")?;
            if list.len() < 4 {
                self.error(
                    format!("ring {r} of a Polygon has {} positions; a closed ring needs at least 4 (the first repeated at the end)", list.len()),
                    format!("多边形的第 {r} 个环只有 {} 个坐标点；闭合的环至少需要 4 个（首点在末尾重复）", list.len()),
                );
                return None;
            }
            let coords = list.iter().map(|p| self.position(p)).collect::<Option<Vec<_>>>()?;
            let (first, last) = (coords[0], coords[coords.len() - 1]);
            if first != last {
                self.error(
                    format!(
                        "ring {r} of a Polygon is not closed: the last position ({}, {}) must equal the first ({}, {})",
                        last.x, last.y, first.x, first.y
                    ),
                    format!(
                        "多边形的第 {r} 个环未闭合：末点 ({}, {}) 应与首点 ({}, {}) 相同",
                        last.x, last.y, first.x, first.y
                    ),
                );
                return None;
            }
            out.push(LineString(coords));
        }
        let exterior = out.remove(0);
        Some(Polygon::new(exterior, out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Parsed, LoadError> {
        parse_bytes(s.as_bytes(), LoadOptions::default())
    }

    fn first_error(s: &str) -> Diagnostic {
        match parse(s) {
            Ok(p) => p.errors.first().cloned().unwrap_or_else(|| panic!("no error for {s}")),
            Err(e) => e.diagnostic(),
        }
    }

    const SQUARE: &str =
        r#"{"type":"Polygon","coordinates":[[[119.1,36.7],[119.2,36.7],[119.2,36.8],[119.1,36.8],[119.1,36.7]]]}"#;

    #[test]
    fn loads_a_collection_with_properties_ids_and_null_geometry() {
        let text = format!(
            r#"{{"type":"FeatureCollection","name":"t","features":[
{{"type":"Feature","id":7,"properties":{{"name":"甲"}},"geometry":{SQUARE}}},
{{"type":"Feature","properties":null,"geometry":null}}]}}"#
        );
        let p = parse(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.ok(), "{:?}", p.errors);
        assert_eq!(p.features.len(), 2);
        assert_eq!(p.features[0].id.as_deref(), Some("7"));
        assert_eq!(p.features[0].name(), Some("甲"));
        assert_eq!(p.geometry_types().get("Polygon"), Some(&1));
        assert_eq!(p.geometry_types().get("null"), Some(&1));
        assert_eq!(p.name.as_deref(), Some("t"));
    }

    #[test]
    fn bom_3d_geometry_collection_and_foreign_members_load() {
        let text = "\u{feff}{\"type\":\"Feature\",\"foo\":1,\"properties\":{},\"geometry\":{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\",\"coordinates\":[119.1,36.7,12.5]}]}}";
        let p = parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.ok());
        assert_eq!(p.features.len(), 1);
        let said = |what: &str| p.warnings.iter().filter(|w| w.message.contains(what)).count();
        for what in ["byte-order mark", "3D coordinates", "foreign members \"foo\"", "GeometryCollection"] {
            assert_eq!(said(what), 1, "one warning about {what}: {:?}", p.warnings);
        }
        assert_eq!(p.warnings.len(), 4, "{:?}", p.warnings);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let d = first_error("{\"type\":\"FeatureCollection\",\n\"features\":[\n{\"type\":\"Feature\",,}]}");
        assert!(d.message.contains("not valid JSON"), "{d}");
        assert_eq!(d.line, Some(3));
        assert!(d.column.is_some());
    }

    #[test]
    fn common_json_mistakes_get_a_specific_message() {
        let cases = [
            ("{\"type\":\"Point\",\"coordinates\":[NaN,36.7]}", "NaN and Infinity"),
            ("{\"type\":\"Point\",\n\"coordinates\":[119.1,Infinity]}", "NaN and Infinity"),
            ("{\"type\":\"Point\",\"coordinates\":[-Infinity,36.7]}", "NaN and Infinity"),
            ("// exported\n{\"type\":\"Point\",\"coordinates\":[119.1,36.7]}", "comments"),
            ("{'type':'Point'}", "double quotes"),
            ("{\"type\":\"Point\",\"coordinates\":[1e400,36.7]}", "too large"),
            ("{\"type\":\"Feature\"}\n{\"type\":\"Feature\"}\n", "more than one JSON document"),
            ("{\"type\":\"Point\",\"coordinates\":[119.1,36.7]} x", "text after the end"),
            ("{\"a\":\u{0}1}", "NUL bytes"),
            (&"[".repeat(200), "nested more than 128"),
            ("{\"type\":\"Point\",\"name\":\"a\n\"}", "closing quote"),
        ];
        for (text, expect) in cases {
            let d = first_error(text);
            assert!(d.message.contains(expect), "{text:?}: {d}");
            assert!(d.line.is_some() && d.column.is_some(), "{text:?}: {d}");
            assert!(!d.message_zh.is_empty());
        }
        let utf16: Vec<u8> = "{\"type\":\"Point\"}".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let d = parse_bytes(&utf16, LoadOptions::default()).err().map(|e| e.diagnostic());
        assert!(d.is_some_and(|d| d.message.contains("UTF-16")));
    }

    #[test]
    fn more_than_three_numbers_per_position_is_a_warning_saying_how_many() {
        let p = parse("{\"type\":\"Point\",\"coordinates\":[119.1,36.7,1,2,3,4,5]}").unwrap_or_else(|e| panic!("{e}"));
        assert!(p.ok());
        assert!(p.warnings.iter().any(|w| w.message.contains("7 numbers")), "{:?}", p.warnings);
    }

    #[test]
    fn truncated_file_says_so() {
        let d = first_error("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":");
        assert!(d.message.contains("ends too early"), "{d}");
    }

    #[test]
    fn not_geojson_messages() {
        assert!(first_error("[1,2]").message.contains("top level is an array"));
        assert!(first_error("{\"a\":1}").message.contains("no \"type\""));
        assert!(first_error("{\"type\":\"featurecollection\",\"features\":[]}").message.contains("unknown \"type\""));
        assert!(first_error("{\"type\":\"FeatureCollection\",\"features\":{}}").message.contains("must be an array"));
        assert!(first_error("").message.contains("empty"));
    }

    #[test]
    fn feature_level_errors_name_the_feature_and_its_line() {
        let text = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{},\"geometry\":null},\n{\"type\":\"Feature\",\"properties\":[],\"geometry\":null}\n]}";
        let p = parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.features.len(), 1, "the good feature still loads");
        let d = &p.errors[0];
        assert_eq!(d.feature, Some(1));
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("\"properties\" must be an object"));
    }

    #[test]
    fn geometry_errors() {
        let wrap = |g: &str| format!("{{\"type\":\"Feature\",\"properties\":{{}},\"geometry\":{g}}}");
        let cases = [
            (r#"{"type":"LineString","coordinates":[[119.1,36.7]]}"#, "at least 2 positions"),
            (r#"{"type":"Polygon","coordinates":[[[119.1,36.7],[119.2,36.7],[119.1,36.7]]]}"#, "at least 4"),
            (
                r#"{"type":"Polygon","coordinates":[[[119.1,36.7],[119.2,36.7],[119.2,36.8],[119.1,36.8]]]}"#,
                "not closed",
            ),
            (r#"{"type":"Point","coordinates":[119.1]}"#, "at least 2 numbers"),
            (r#"{"type":"Point","coordinates":["119.1",36.7]}"#, "must be a number"),
            (r#"{"type":"Point","coordinates":[119.1,95.0]}"#, "out of range"),
            (r#"{"type":"Point","coordinates":[36.7,119.1]}"#, "swapped"),
            (r#"{"type":"Circle","coordinates":[1,2]}"#, "unknown geometry type"),
            (r#"{"type":"Point"}"#, "no \"coordinates\""),
        ];
        for (g, expect) in cases {
            let d = first_error(&wrap(g));
            assert!(d.message.contains(expect), "{g}: {d}");
            assert!(!d.message_zh.is_empty());
        }
    }

    #[test]
    fn load_errors_say_the_file_and_the_figures_in_chinese_from_one_source() {
        let missing = std::env::temp_dir().join(format!("kuiwen-missing-{}", std::process::id())).join("绿地.geojson");
        let e = load_path(&missing, LoadOptions::default()).err().unwrap_or_else(|| panic!("a missing file loads"));
        let shown = missing.display().to_string();
        assert!(e.zh().contains(&shown) && e.zh().contains("无法读取") && e.zh().contains("文件不存在"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        assert!(e.en().contains(&shown), "{e}");
        assert_eq!(e.diagnostic().message_zh, e.zh(), "the diagnostic's Chinese is the error's");

        let e = LoadError::TooLarge {
            path: PathBuf::from("/data/全区地块.geojson"),
            size_bytes: 3 << 30,
            limit_bytes: 2 << 30,
        };
        let zh = e.zh();
        assert!(
            zh.contains("/data/全区地块.geojson") && zh.contains("3221225472 字节") && zh.contains("2147483648 字节"),
            "{zh}"
        );
        assert_eq!(e.message(true), e.to_string());

        let d = match parse_bytes(b"{\n\xff}", LoadOptions::default()) {
            Err(e @ LoadError::Invalid(_)) => {
                let d = e.diagnostic();
                assert_eq!(e.zh(), format!("{}：{}", d.location(false), d.message_zh));
                assert_eq!(e.en(), d.to_string());
                d
            }
            other => panic!("{:?}", other.map(|p| p.errors)),
        };
        assert!(d.zh().contains("第 2 行，第") && d.zh().contains("UTF-8"), "{}", d.zh());
    }

    #[test]
    fn legacy_crs_member() {
        let ok = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},"features":[]}"#;
        let gk =
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4528"}},"features":[]}"#;
        let bad =
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:2385"}},"features":[]}"#;
        let p = parse(ok);
        assert!(p.is_ok_and(|p| p.ok()));
        assert!(parse(gk).is_ok_and(|p| p.crs == Crs::Epsg(4528)));
        let d = first_error(bad);
        assert!(d.message.contains("seven parameters") && d.message_zh.contains("七参数"), "{d}");
    }
}
