//! FlatGeobuf (the flatgeobuf crate, geometry through geozero): typed properties, the coordinate
//! system from the header (EPSG code or WKT).

use std::io::BufReader;
use std::path::Path;

use flatgeobuf::{ColumnType, FallibleStreamingIterator, FgbReader};
use geozero::ToGeo;
use serde_json::{Map, Value};

use super::encoding::{EncodingSource, TextEncoding};
use super::{FileCrs, Progress, assemble, simplify_parts};
use crate::io::crs::Crs;
use crate::io::geojson::{Diagnostic, LoadError, LoadOptions, Parsed};

/// Reads a feature's property buffer with every length checked against it: the crate's own
/// decoder indexes past the end of a damaged buffer and panics.
struct Cursor<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Cursor<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len()).ok_or_else(|| {
            format!("a property value runs past the end of its feature (at byte {} of {})", self.at, self.bytes.len())
        })?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn text(&mut self) -> Result<&'b str, String> {
        let len = u32::from_le_bytes(self.array()?) as usize;
        std::str::from_utf8(self.take(len)?).map_err(|_| "a text property is not UTF-8".to_owned())
    }
}

fn number_f64(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// A feature's properties by column, typed as the header declares them.
fn decode_properties(bytes: &[u8], columns: &[(String, ColumnType)]) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    let mut c = Cursor { bytes, at: 0 };
    // `at + 1 <`, not `at <`: some writers leave a trailing byte after a last binary column.
    while c.at + 1 < bytes.len() {
        let index = u16::from_le_bytes(c.array()?) as usize;
        let (name, kind) = columns.get(index).ok_or_else(|| format!("property column {index} is not in the header"))?;
        let value = match *kind {
            ColumnType::Byte => Value::from(i8::from_le_bytes(c.array()?)),
            ColumnType::UByte => Value::from(u8::from_le_bytes(c.array()?)),
            ColumnType::Bool => Value::Bool(c.array::<1>()?[0] != 0),
            ColumnType::Short => Value::from(i16::from_le_bytes(c.array()?)),
            ColumnType::UShort => Value::from(u16::from_le_bytes(c.array()?)),
            ColumnType::Int => Value::from(i32::from_le_bytes(c.array()?)),
            ColumnType::UInt => Value::from(u32::from_le_bytes(c.array()?)),
            ColumnType::Long => Value::from(i64::from_le_bytes(c.array()?)),
            ColumnType::ULong => Value::from(u64::from_le_bytes(c.array()?)),
            ColumnType::Float => number_f64(f64::from(f32::from_le_bytes(c.array()?))),
            ColumnType::Double => number_f64(f64::from_le_bytes(c.array()?)),
            ColumnType::String | ColumnType::DateTime => Value::String(c.text()?.to_owned()),
            ColumnType::Json => {
                let t = c.text()?;
                serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_owned()))
            }
            ColumnType::Binary => {
                let len = u32::from_le_bytes(c.array()?) as usize;
                Value::String(format!("<{} bytes>", c.take(len)?.len()))
            }
            other => return Err(format!("property column {name} has an unknown type {}", other.0)),
        };
        out.insert(name.clone(), value);
    }
    Ok(out)
}

/// Reads a FlatGeobuf file.
pub fn read(path: &Path, options: &LoadOptions, progress: &Progress<'_>) -> Result<Parsed, LoadError> {
    let shown = path.display().to_string();
    let bad = |e: &dyn std::fmt::Display| {
        LoadError::Invalid(Diagnostic::new(
            format!("{shown}: not a readable FlatGeobuf: {e}"),
            format!("{shown}：无法作为 FlatGeobuf 读取：{e}"),
        ))
    };
    let file = std::fs::File::open(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    let reader = FgbReader::open(BufReader::new(file)).map_err(|e| bad(&e))?;
    let header = reader.header();
    let name = header.name().map(str::to_owned);
    let stated = match header.crs() {
        Some(c) if c.code() > 0 => match Crs::from_epsg(c.code() as u32) {
            Ok(crs) => FileCrs::Stated(crs, "the FlatGeobuf header".to_owned()),
            Err(e) => FileCrs::Unusable(e),
        },
        Some(c) => match c.wkt() {
            Some(w) if !w.trim().is_empty() => FileCrs::from_wkt(w, "the FlatGeobuf header"),
            _ => FileCrs::Unstated,
        },
        None => FileCrs::Unstated,
    };
    let columns: Vec<(String, ColumnType)> =
        header.columns().map(|cs| cs.iter().map(|c| (c.name().to_owned(), c.type_())).collect()).unwrap_or_default();
    let count = header.features_count() as usize;
    let mut iter = reader.select_all_seq().map_err(|e| bad(&e))?;
    let mut raw = Vec::with_capacity(count);
    let mut warnings = Vec::new();
    while let Some(feature) = iter.next().map_err(|e| bad(&e))? {
        progress.step(raw.len(), count)?;
        let bytes = feature.fbs_feature().properties().map(|p| p.bytes()).unwrap_or_default();
        let props = decode_properties(bytes, &columns).map_err(|e| bad(&format!("feature {}: {e}", raw.len())))?;
        let geometry = match feature.to_geo() {
            Ok(g) => Some(simplify_parts(g)),
            Err(e) => {
                super::unusable_geometry(&mut warnings, raw.len(), &e);
                None
            }
        };
        raw.push((None, geometry, props.into()));
    }
    let mut parsed = assemble(raw, options.declared_crs, stated, warnings)?;
    parsed.name = name.filter(|n| !n.is_empty());
    parsed.source.encoding = Some((TextEncoding::Utf8, EncodingSource::Format));
    Ok(parsed)
}
