//! ESRI Shapefile: geometry from `.shp`/`.shx` (the shapefile crate), attributes from `.dbf`
//! (the dbase crate with encoding_rs), the coordinate system from `.prj`, the text encoding from
//! `.cpg`, the DBF language-driver byte, or the bytes.

use std::io::{BufReader, Read};
use std::path::Path;

use dbase::FieldValue;
use serde_json::Value;

use crate::model::Properties;

use super::encoding::{EncodingSource, TextEncoding};
use super::{FileCrs, Progress, assemble, sidecar, simplify_parts};
use crate::io::geojson::{Diagnostic, LoadError, LoadOptions, Parsed};

/// Reads a shapefile.
pub fn read(path: &Path, options: &LoadOptions, progress: &Progress<'_>) -> Result<Parsed, LoadError> {
    let shown = path.display().to_string();
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    let missing = |ext: &str, en: &str, zh: &str| {
        LoadError::Invalid(Diagnostic::new(
            format!(
                "{shown}: the shapefile's .{ext} file is missing ({en}); copy every file with the same name ({ext}, .shp, .shx, .dbf, .prj, .cpg) together"
            ),
            format!(
                "{shown}：缺少 shapefile 的 .{ext} 文件（{zh}）；请把同名的所有文件（.shp、.shx、.dbf、.prj、.cpg）一起拷贝"
            ),
        ))
    };
    let shx = sidecar(path, "shx").ok_or_else(|| missing("shx", "the index of the shapes", "图形索引"))?;
    let dbf = sidecar(path, "dbf").ok_or_else(|| missing("dbf", "the attribute table", "属性表"))?;
    let mut warnings = Vec::new();

    let stated = match sidecar(path, "prj") {
        Some(prj) => {
            let bytes = std::fs::read(&prj).map_err(io)?;
            FileCrs::from_wkt(&String::from_utf8_lossy(&bytes), ".prj")
        }
        None => FileCrs::Unstated,
    };
    let (encoding, encoding_source) = choose_encoding(path, &dbf, options, &mut warnings)?;

    let parts = Parts { shp: path, shx: &shx, dbf: &dbf, encoding, shown: &shown };
    let reader = parts.open()?;
    let fields: Vec<String> = reader.fields.clone();
    let count = reader.count;
    let records = reader.records;
    drop(reader);
    if records != count {
        warnings.push(Diagnostic::new(
            format!("the .shp has {count} shapes but the .dbf has {records} records: only the pairs are read"),
            format!(".shp 有 {count} 个图形，而 .dbf 有 {records} 条记录：只读取能配对的部分"),
        ));
    }
    let pairs = count.min(records);
    // Each core reads its own range of records through its own file handles (the .shx gives
    // every shape's offset, the .dbf has fixed-length records), so reading scales with cores.
    let all = super::read_in_parts(pairs, |range| parts.read_range(range, &fields, pairs, progress))?;
    warnings.extend(all.problems);
    let raw = all.raw;
    let mut parsed = assemble(raw, options.declared_crs, stated, warnings)?;
    parsed.source.encoding = Some((encoding, encoding_source));
    Ok(parsed)
}

/// The files of one shapefile, and how to read a range of its records.
struct Parts<'a> {
    shp: &'a Path,
    shx: &'a Path,
    dbf: &'a Path,
    encoding: TextEncoding,
    shown: &'a str,
}

/// An open shapefile.
struct Opened {
    reader: shapefile::Reader<BufReader<std::fs::File>, BufReader<std::fs::File>>,
    fields: Vec<String>,
    count: usize,
    records: usize,
}

impl Parts<'_> {
    fn open(&self) -> Result<Opened, LoadError> {
        let io = |source| LoadError::Io { path: self.shp.to_path_buf(), source };
        let shp_file = std::fs::File::open(self.shp).map_err(io)?;
        let shx_file = std::fs::File::open(self.shx).map_err(io)?;
        let shapes = shapefile::ShapeReader::with_shx(BufReader::new(shp_file), BufReader::new(shx_file))
            .map_err(|e| bad_file(self.shown, ".shp/.shx", &e.to_string()))?;
        let dbf_file = std::fs::File::open(self.dbf).map_err(io)?;
        let table = dbase::ReaderBuilder::new()
            .with_encoding(dbase::encoding::EncodingRs::from(self.encoding.codec()))
            .build(BufReader::new(dbf_file))
            .map_err(|e| bad_file(self.shown, ".dbf", &e.to_string()))?;
        let fields = table.fields().iter().map(|f| f.name().to_owned()).collect();
        let count = shapes.shape_count().unwrap_or(0);
        let records = table.header().num_records as usize;
        Ok(Opened { reader: shapefile::Reader::new(shapes, table), fields, count, records })
    }

    /// Reads records `range` (shape and attributes) of `total`, counting them in the progress.
    fn read_range(
        &self,
        range: std::ops::Range<usize>,
        fields: &[String],
        total: usize,
        progress: &Progress<'_>,
    ) -> Result<super::Part, LoadError> {
        let mut part = super::Part { raw: Vec::with_capacity(range.len()), problems: Vec::new() };
        if range.is_empty() {
            return Ok(part);
        }
        let mut opened = self.open()?;
        let damaged = |i: usize, e: &dyn std::fmt::Display| {
            let shown = self.shown;
            let mut d = Diagnostic::new(
                format!("{shown}: cannot read feature #{i}: {e} (the file is damaged or still being written)"),
                format!("{shown}：无法读取第 {i} 个要素：{e}（文件已损坏或仍在写入）"),
            );
            d.feature = Some(i);
            LoadError::Invalid(d)
        };
        opened.reader.seek(range.start).map_err(|e| damaged(range.start, &e))?;
        let items = opened.reader.iter_shapes_and_records_as::<shapefile::Shape, Row>().take(range.len());
        for (k, item) in items.enumerate() {
            let i = range.start + k;
            if k % 1024 == 1023 {
                progress.advance(1024, total)?;
            }
            let (shape, Row(record)) = item.map_err(|e| damaged(i, &e))?;
            let geometry = match shape {
                shapefile::Shape::NullShape => None,
                other => match geo::Geometry::<f64>::try_from(other) {
                    Ok(g) => Some(simplify_parts(g)),
                    Err(e) => {
                        super::unusable_geometry(&mut part.problems, k, &e);
                        None
                    }
                },
            };
            let values = record.into_iter().map(field_value).chain(std::iter::repeat(Value::Null));
            let props = Properties::from_pairs(fields.iter().map(String::as_str).zip(values).collect());
            part.raw.push((None, geometry, props));
        }
        if part.raw.len() < range.len() {
            return Err(damaged(range.start + part.raw.len(), &"the file ends early"));
        }
        Ok(part)
    }
}

/// A record's values in the table's field order (the dbase crate's own record is a hash map,
/// which costs a map and a key string per field and row).
struct Row(Vec<FieldValue>);

impl dbase::ReadableRecord for Row {
    fn read_using<Source, MemoSource>(
        fields: &mut dbase::FieldIterator<Source, MemoSource>,
    ) -> Result<Self, dbase::FieldError>
    where
        Source: Read + std::io::Seek,
        MemoSource: Read + std::io::Seek,
    {
        let mut values = Vec::new();
        for field in fields {
            values.push(field?.value);
        }
        Ok(Row(values))
    }
}

fn bad_file(shown: &str, part: &str, why: &str) -> LoadError {
    LoadError::Invalid(Diagnostic::new(
        format!("{shown}: the shapefile's {part} cannot be read: {why}"),
        format!("{shown}：无法读取 shapefile 的 {part}：{why}"),
    ))
}

/// The user's choice, else the `.cpg`, else the language-driver byte, else the bytes.
fn choose_encoding(
    shp: &Path,
    dbf: &Path,
    options: &LoadOptions,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(TextEncoding, EncodingSource), LoadError> {
    if let Some(e) = options.encoding {
        return Ok((e, EncodingSource::Declared));
    }
    if let Some(cpg) = sidecar(shp, "cpg") {
        let text = std::fs::read(&cpg).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        match TextEncoding::from_label(&text) {
            Some(e) => return Ok((e, EncodingSource::Cpg)),
            None => warnings.push(Diagnostic::new(
                format!(
                    "the .cpg names an encoding the app does not know ({:?}): the encoding is detected instead",
                    text.trim()
                ),
                format!(".cpg 中的编码无法识别（{:?}）：改为按内容识别", text.trim()),
            )),
        }
    }
    let mut file = std::fs::File::open(dbf).map_err(|source| LoadError::Io { path: dbf.to_path_buf(), source })?;
    let mut head = [0u8; 32];
    file.read_exact(&mut head).map_err(|source| LoadError::Io { path: dbf.to_path_buf(), source })?;
    if let Some(e) = TextEncoding::from_ldid(head[29]) {
        return Ok((e, EncodingSource::Ldid));
    }
    // The text of the records, after the field descriptors (whose bytes are binary): up to 8 MiB
    // of them is plenty to tell.
    let header_len = u64::from(u16::from_le_bytes([head[8], head[9]]));
    let mut sample = Vec::new();
    let mut rest = file.take(header_len.saturating_sub(32) + (8 << 20));
    rest.read_to_end(&mut sample).map_err(|source| LoadError::Io { path: dbf.to_path_buf(), source })?;
    let sample = sample.get(header_len.saturating_sub(32) as usize..).unwrap_or_default();
    // Cut at the last space so a multi-byte character is not split at the end of the sample.
    let end = sample.iter().rposition(|&b| b == b' ').unwrap_or(sample.len());
    match TextEncoding::detect(&sample[..end]) {
        Some(e) => Ok((e, EncodingSource::Detected)),
        None => {
            warnings.push(Diagnostic::new(
                "the attribute text is neither UTF-8 nor GBK/GB18030 and no .cpg says what it is: read as GB18030 with unreadable characters replaced; choose the encoding in the layer's details",
                "属性文本既不是 UTF-8 也不是 GBK/GB18030，且没有 .cpg 说明：已按 GB18030 读取，无法识别的字符已替换；请在图层详情中选择编码",
            ));
            Ok((TextEncoding::Gb18030, EncodingSource::Detected))
        }
    }
}

/// A DBF value as JSON: numbers stay numbers (whole ones as integers), empty fields are null.
fn field_value(v: FieldValue) -> Value {
    match v {
        FieldValue::Character(s) => s.map_or(Value::Null, Value::String),
        FieldValue::Memo(s) => Value::String(s),
        FieldValue::Numeric(n) => n.map_or(Value::Null, number),
        FieldValue::Float(n) => n.map_or(Value::Null, |f| number(f64::from(f))),
        FieldValue::Double(n) | FieldValue::Currency(n) => number(n),
        FieldValue::Integer(n) => Value::from(n),
        FieldValue::Logical(b) => b.map_or(Value::Null, Value::Bool),
        FieldValue::Date(d) => {
            d.map_or(Value::Null, |d| Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())))
        }
        FieldValue::DateTime(dt) => {
            let (d, t) = (dt.date(), dt.time());
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            ))
        }
    }
}

/// A number as JSON: an integer when it is whole and exactly representable.
pub fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}
