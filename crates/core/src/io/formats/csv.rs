//! CSV and TXT tables from field tools and spreadsheets: points from longitude/latitude or X/Y
//! columns, or any geometry from a WKT column. Encoding by BOM, else UTF-8 when valid, else
//! GB18030 (Excel on Chinese Windows saves "CSV" in GBK).

use std::path::Path;

use serde_json::{Map, Value};

use super::encoding::{EncodingSource, TextEncoding};
use super::kml::typed;
use super::{FileCrs, Progress, assemble, simplify_parts};
use crate::io::geojson::{Diagnostic, LoadError, LoadOptions, Parsed};

/// Column names (lowercase) for longitude, latitude, X (easting), Y (northing) and WKT.
const LON: [&str; 6] = ["lon", "lng", "long", "longitude", "经度", "x_lon"];
const LAT: [&str; 4] = ["lat", "latitude", "纬度", "y_lat"];
const X: [&str; 7] = ["x", "easting", "east", "x坐标", "横坐标", "东坐标", "point_x"];
const Y: [&str; 7] = ["y", "northing", "north", "y坐标", "纵坐标", "北坐标", "point_y"];
const WKT: [&str; 6] = ["wkt", "geometry", "geom", "the_geom", "shape", "几何"];

/// How the rows carry their geometry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Columns {
    /// Two number columns: (x index, y index).
    Pair(usize, usize),
    /// One WKT column.
    Wkt(usize),
}

fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| names.contains(&h.trim().to_lowercase().as_str()))
}

/// Reads a CSV or TXT table.
pub fn read(path: &Path, options: &LoadOptions, progress: &Progress<'_>) -> Result<Parsed, LoadError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    let mut warnings = Vec::new();
    let (text, encoding, source) = decode(&bytes, options, &mut warnings);
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b'\t', b';', b'|']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = ::csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| bad(&shown, &e.to_string()))?.iter().map(|h| h.trim().to_owned()).collect();
    let columns = if let Some(w) = find(&headers, &WKT) {
        Columns::Wkt(w)
    } else if let (Some(x), Some(y)) = (find(&headers, &LON), find(&headers, &LAT)) {
        Columns::Pair(x, y)
    } else if let (Some(x), Some(y)) = (find(&headers, &X), find(&headers, &Y)) {
        Columns::Pair(x, y)
    } else {
        return Err(LoadError::Invalid(Diagnostic::new(
            format!(
                "{shown}: no coordinate columns found among {}: name them lon/lat (经度/纬度), x/y (东坐标/北坐标) or WKT",
                headers.join(", ")
            ),
            format!(
                "{shown}：在 {} 中找不到坐标列：请命名为 经度/纬度（lon/lat）、x/y（东坐标/北坐标）或 WKT",
                headers.join("、")
            ),
        )));
    };
    let total = text.len().max(1);
    let mut raw = Vec::new();
    let mut swap_checked = false;
    let mut swap = false;
    for (i, record) in reader.records().enumerate() {
        progress.step(i, 0)?;
        let record = record.map_err(|e| bad(&shown, &e.to_string()))?;
        let line = record.position().map(|p| p.line() as usize);
        let mut props = Map::new();
        for (c, h) in headers.iter().enumerate() {
            if Columns::Wkt(c) == columns {
                continue;
            }
            let v = record.get(c).unwrap_or_default();
            props.insert(h.clone(), if v.is_empty() { Value::Null } else { typed(v) });
        }
        let geometry = match columns {
            Columns::Wkt(w) => {
                let t = record.get(w).unwrap_or_default().trim();
                if t.is_empty() {
                    None
                } else {
                    match wkt_geometry(t) {
                        Ok(g) => Some(simplify_parts(g)),
                        Err(e) => {
                            return Err(row_error(
                                &shown,
                                line,
                                i,
                                &format!("the WKT cannot be read: {e}"),
                                &format!("WKT 无法读取：{e}"),
                            ));
                        }
                    }
                }
            }
            Columns::Pair(xc, yc) => {
                let (xs, ys) = (record.get(xc).unwrap_or_default().trim(), record.get(yc).unwrap_or_default().trim());
                if xs.is_empty() && ys.is_empty() {
                    None
                } else {
                    let (Ok(mut x), Ok(mut y)) = (xs.parse::<f64>(), ys.parse::<f64>()) else {
                        return Err(row_error(
                            &shown,
                            line,
                            i,
                            &format!("the coordinates {xs:?}, {ys:?} are not numbers"),
                            &format!("坐标 {xs:?}、{ys:?} 不是数字"),
                        ));
                    };
                    if !swap_checked {
                        swap_checked = true;
                        swap = surveyors_axes(x, y);
                        if swap {
                            warnings.push(Diagnostic::new(
                                format!("the columns {} and {} are read as northing and easting (the surveying X/Y convention): the numbers say so", headers[xc], headers[yc]),
                                format!("列 {} 和 {} 按测量坐标习惯读作北坐标和东坐标（X 为北、Y 为东）：数值如此", headers[xc], headers[yc]),
                            ));
                        }
                    }
                    if swap {
                        std::mem::swap(&mut x, &mut y);
                    }
                    Some(geo::Geometry::Point(geo::Point::new(x, y)))
                }
            }
        };
        raw.push((None, geometry, props.into()));
        if i % 1024 == 0 {
            let at = record.position().map_or(0, |p| p.byte() as usize);
            progress
                .bytes_read
                .store((progress.total_bytes as usize * at / total) as u64, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let mut parsed = assemble(raw, options.declared_crs, FileCrs::Unstated, warnings)?;
    parsed.source.encoding = Some((encoding, source));
    Ok(parsed)
}

/// Whether a pair of metres is (northing, easting): the easting is the number under 1,000,000
/// (no zone prefix) or over 10,000,000 (with it); northings in China lie between.
fn surveyors_axes(x: f64, y: f64) -> bool {
    let northing_like = |v: f64| (1_000_000.0..10_000_000.0).contains(&v.abs());
    x.abs() > 1000.0 && y.abs() > 1000.0 && northing_like(x) && !northing_like(y)
}

fn bad(shown: &str, why: &str) -> LoadError {
    LoadError::Invalid(Diagnostic::new(
        format!("{shown}: not a readable CSV: {why}"),
        format!("{shown}：无法作为 CSV 读取：{why}"),
    ))
}

fn row_error(shown: &str, line: Option<usize>, i: usize, en: &str, zh: &str) -> LoadError {
    let mut d = Diagnostic::new(format!("{shown}: {en}"), format!("{shown}：{zh}"));
    d.line = line;
    d.feature = Some(i);
    LoadError::Invalid(d)
}

/// The text of a table: the user's encoding, else a BOM, else UTF-8 when valid, else GB18030.
fn decode(
    bytes: &[u8],
    options: &LoadOptions,
    warnings: &mut Vec<Diagnostic>,
) -> (String, TextEncoding, EncodingSource) {
    if let Some(e) = options.encoding {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        return (e.decode(body).0, e, EncodingSource::Declared);
    }
    if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (TextEncoding::Utf8.decode(body).0, TextEncoding::Utf8, EncodingSource::Detected);
    }
    match TextEncoding::detect(bytes) {
        Some(e) => (e.decode(bytes).0, e, EncodingSource::Detected),
        None => {
            warnings.push(Diagnostic::new(
                "the text is neither UTF-8 nor GBK/GB18030: read as GB18030 with unreadable characters replaced; choose the encoding in the layer's details",
                "文本既不是 UTF-8 也不是 GBK/GB18030：已按 GB18030 读取，无法识别的字符已替换；请在图层详情中选择编码",
            ));
            (TextEncoding::Gb18030.decode(bytes).0, TextEncoding::Gb18030, EncodingSource::Detected)
        }
    }
}

/// A WKT geometry (through geozero).
pub fn wkt_geometry(text: &str) -> Result<geo::Geometry<f64>, String> {
    use geozero::ToGeo;
    geozero::wkt::Wkt(text).to_geo().map_err(|e| e.to_string())
}
