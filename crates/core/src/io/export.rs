//! Writing data out: attribute tables as CSV (UTF-8 with a BOM, so Excel opens Chinese text
//! correctly) and features as GeoJSON.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::i18n::{Bilingual, io_error_zh};
use crate::model::Feature;

/// The byte order mark Excel needs to read a CSV file as UTF-8 (without it, Chinese text opens
/// as mojibake in the GBK code page of a Chinese Windows).
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why exporting a layer's table or features failed (not to be confused with the app's image
/// and PDF export errors).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LayerExportError {
    /// The CSV writer failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// Serialising GeoJSON failed.
    #[error("cannot write GeoJSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing the file failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Bilingual for LayerExportError {
    fn zh(&self) -> String {
        match self {
            LayerExportError::Csv(e) => match e.kind() {
                csv::ErrorKind::Io(io) => format!("无法生成 CSV 表格：{}", io_error_zh(io)),
                _ => format!("无法生成 CSV 表格：{e}"),
            },
            LayerExportError::Json(e) => format!("无法生成 GeoJSON：{e}"),
            LayerExportError::Io { path, source } => format!("无法写入 {}：{}", path.display(), io_error_zh(source)),
        }
    }
}

/// The property keys of `features`, in the order they first appear (the columns of a table).
pub fn property_columns(features: &[Feature]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for f in features {
        for k in f.properties.keys() {
            if !keys.iter().any(|x| x == k) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

/// A property value as plain text for a CSV cell: numbers as written (no units, no thousands
/// separators, so spreadsheets read them as numbers), strings as they are, null as empty.
pub fn cell_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(a)) => a.iter().map(|v| cell_text(Some(v))).collect::<Vec<_>>().join("、"),
        Some(v @ Value::Object(_)) => v.to_string(),
    }
}

/// A CSV document (UTF-8 with BOM, comma-separated, RFC 4180 quoting) of a header and rows.
pub fn csv_bytes<S: AsRef<str>>(
    header: &[S],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, LayerExportError> {
    let mut out = UTF8_BOM.to_vec();
    {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        w.write_record(header.iter().map(|h| h.as_ref()))?;
        for row in rows {
            w.write_record(&row)?;
        }
        // In memory: a failure here is the CSV writer's, not a file's.
        w.flush().map_err(csv::Error::from)?;
    }
    Ok(out)
}

/// The attribute table of `features` as CSV: an `id` column, then `columns`, one row per index in
/// `rows` (in that order: the table's sort and filter).
pub fn features_csv(features: &[Feature], rows: &[usize], columns: &[String]) -> Result<Vec<u8>, LayerExportError> {
    let header: Vec<&str> = std::iter::once("id").chain(columns.iter().map(String::as_str)).collect();
    let body = rows.iter().filter_map(|&i| features.get(i)).map(|f| {
        std::iter::once(f.id.clone().unwrap_or_default())
            .chain(columns.iter().map(|c| cell_text(f.properties.get(c))))
            .collect::<Vec<_>>()
    });
    csv_bytes(&header, body)
}

/// One feature as a GeoJSON feature (geometry, properties, id).
pub fn feature_to_geojson(f: &Feature) -> geojson::Feature {
    geojson::Feature {
        bbox: None,
        geometry: f.geometry.as_ref().map(|g| geojson::Geometry::new(geojson::GeometryValue::from(g))),
        id: f.id.clone().map(geojson::feature::Id::String),
        properties: Some(f.properties.to_map()),
        foreign_members: None,
    }
}

/// Features as an RFC 7946 FeatureCollection (WGS84 lon/lat), pretty-printed one level.
pub fn features_geojson<'a>(features: impl IntoIterator<Item = &'a Feature>) -> Result<String, LayerExportError> {
    let fc = geojson::FeatureCollection {
        bbox: None,
        features: features.into_iter().map(feature_to_geojson).collect(),
        foreign_members: None,
    };
    // One feature per line, like the files under geodata/: diffs stay readable.
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, f) in fc.features.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str(&serde_json::to_string(f)?);
    }
    out.push_str("\n]}\n");
    Ok(out)
}

/// Properties for a generated feature from `(key, value)` pairs.
pub fn properties<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Write bytes to a file, naming the file in the error.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), LayerExportError> {
    std::fs::write(path, bytes).map_err(|e| LayerExportError::Io { path: path.to_path_buf(), source: e })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_commas_quotes_and_newlines() {
        let bytes = csv_bytes(&["a", "b"], vec![vec!["x,y".to_owned(), "say \"hi\"\nbye".to_owned()]])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(bytes.starts_with(UTF8_BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text, "a,b\r\n\"x,y\",\"say \"\"hi\"\"\nbye\"\r\n");
    }

    #[test]
    fn geojson_round_trips_through_the_loader() {
        let Value::Object(props) = json!({"name": "量算", "length_m": 12.5}) else { panic!() };
        let f = Feature::new(
            Some("m-1".to_owned()),
            Some(geo::LineString::from(vec![(119.1, 36.7), (119.2, 36.7)]).into()),
            props,
        );
        let text = features_geojson([&f]).unwrap_or_else(|e| panic!("{e}"));
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(v["features"][0]["geometry"]["type"], "LineString");
        assert_eq!(v["features"][0]["properties"]["name"], "量算");
        assert_eq!(v["features"][0]["id"], "m-1");
    }

    #[test]
    fn a_failed_write_names_the_file_in_both_languages() {
        let dir = std::env::temp_dir().join(format!("kuiwen-export-missing-{}", std::process::id()));
        let path = dir.join("没有的文件夹").join("表格.csv");
        let e = write_file(&path, b"id\r\n").err().unwrap_or_else(|| panic!("written into a missing folder"));
        let shown = path.display().to_string();
        assert!(e.zh().contains(&shown) && e.zh().contains("无法写入") && e.zh().contains("文件不存在"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        assert!(e.en().contains(&shown), "{e}");
    }
}
