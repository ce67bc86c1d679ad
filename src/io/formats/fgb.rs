//! FlatGeobuf (the flatgeobuf crate, geometry through geozero): typed properties, the coordinate
//! system from the header (EPSG code or WKT).

use std::io::BufReader;
use std::path::Path;

use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
use geozero::{ColumnValue, PropertyProcessor, ToGeo};
use serde_json::{Map, Value};

use super::encoding::{EncodingSource, TextEncoding};
use super::{FileCrs, Progress, assemble, simplify_parts};
use crate::io::crs::Crs;
use crate::io::geojson::{Diagnostic, LoadError, LoadOptions, Parsed};

/// Collects a feature's properties with their types.
struct Props<'a>(&'a mut Map<String, Value>);

impl PropertyProcessor for Props<'_> {
    fn property(&mut self, _i: usize, name: &str, v: &ColumnValue<'_>) -> geozero::error::Result<bool> {
        let value = match v {
            ColumnValue::Byte(n) => Value::from(*n),
            ColumnValue::UByte(n) => Value::from(*n),
            ColumnValue::Bool(b) => Value::Bool(*b),
            ColumnValue::Short(n) => Value::from(*n),
            ColumnValue::UShort(n) => Value::from(*n),
            ColumnValue::Int(n) => Value::from(*n),
            ColumnValue::UInt(n) => Value::from(*n),
            ColumnValue::Long(n) => Value::from(*n),
            ColumnValue::ULong(n) => Value::from(*n),
            ColumnValue::Float(f) => serde_json::Number::from_f64(f64::from(*f)).map_or(Value::Null, Value::Number),
            ColumnValue::Double(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            ColumnValue::String(s) | ColumnValue::DateTime(s) => Value::String((*s).to_owned()),
            ColumnValue::Json(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::String((*s).to_owned())),
            ColumnValue::Binary(b) => Value::String(format!("<{} bytes>", b.len())),
        };
        self.0.insert(name.to_owned(), value);
        Ok(false)
    }
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
    let file = std::fs::File::open(path).map_err(|source| LoadError::Io { path: shown.clone(), source })?;
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
    let count = header.features_count() as usize;
    let mut iter = reader.select_all_seq().map_err(|e| bad(&e))?;
    let mut raw = Vec::with_capacity(count);
    let mut warnings = Vec::new();
    while let Some(feature) = iter.next().map_err(|e| bad(&e))? {
        progress.step(raw.len(), count)?;
        let mut props = Map::new();
        feature.process_properties(&mut Props(&mut props)).map_err(|e| bad(&e))?;
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
