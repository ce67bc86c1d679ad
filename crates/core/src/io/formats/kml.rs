//! KML and KMZ (the kml crate): placemarks with their name, description and extended data, in
//! WGS84 by definition. Chinese field apps (奥维互动地图 since v9.3) export GCJ-02 in KML: the
//! layer's declared coordinate system handles those.

use std::path::Path;

use serde_json::{Map, Value};

use super::encoding::{EncodingSource, TextEncoding};
use super::{FileCrs, Format, Progress, assemble, simplify_parts};
use crate::io::crs::Crs;
use crate::io::geojson::{Diagnostic, LoadError, LoadOptions, Parsed};

type Raw = Vec<super::RawFeature>;

/// Reads a KML or KMZ file.
pub fn read(path: &Path, format: Format, options: &LoadOptions, progress: &Progress<'_>) -> Result<Parsed, LoadError> {
    let shown = path.display().to_string();
    let bad = |e: kml::Error| {
        LoadError::Invalid(Diagnostic::new(
            format!("{shown}: not a readable {}: {e}", format.name()),
            format!("{shown}：无法作为 {} 读取：{e}", format.name()),
        ))
    };
    let doc: kml::Kml<f64> = if format == Format::Kmz {
        let mut reader = kml::KmlReader::<_, f64>::from_kmz_path(path).map_err(bad)?;
        // The KMZ's KML, already unzipped in memory by the reader: check it before parsing.
        well_formed(&shown, &kmz_text(path).map_err(|e| bad(kml::Error::IoError(e)))?)?;
        reader.read().map_err(bad)?
    } else {
        let text = std::fs::read(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
        well_formed(&shown, &text)?;
        kml::KmlReader::<_, f64>::from_reader(std::io::Cursor::new(text)).read().map_err(bad)?
    };
    let mut raw = Raw::new();
    let mut warnings = Vec::new();
    walk(doc, None, &mut raw, &mut warnings, progress)?;
    let mut parsed = assemble(raw, options.declared_crs, FileCrs::Stated(Crs::Wgs84, "KML".to_owned()), warnings)?;
    parsed.source.encoding = Some((TextEncoding::Utf8, EncodingSource::Format));
    Ok(parsed)
}

/// The first `.kml` inside a KMZ (what Google Earth reads: `doc.kml` by convention).
fn kmz_text(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path)?).map_err(std::io::Error::other)?;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(std::io::Error::other)?;
        if entry.name().map_err(std::io::Error::other)?.to_ascii_lowercase().ends_with(".kml") {
            let mut text = Vec::new();
            entry.read_to_end(&mut text)?;
            return Ok(text);
        }
    }
    Err(std::io::Error::other("no .kml file inside the KMZ"))
}

/// Checks that the text is well-formed XML whose elements all close: a file cut short (still
/// being copied, a failed download) is reported with where it ends, not handed to the KML reader.
fn well_formed(shown: &str, text: &[u8]) -> Result<(), LoadError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(text);
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        let at = reader.buffer_position();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) if depth == 0 => return Ok(()),
            Ok(Event::Eof) => {
                return Err(LoadError::Invalid(Diagnostic::new(
                    format!(
                        "{shown}: the file ends early, inside {depth} open elements (truncated or still being written?)"
                    ),
                    format!("{shown}：文件提前结束，还有 {depth} 个元素未闭合（被截断或仍在写入？）"),
                )));
            }
            Ok(_) => {}
            Err(e) => {
                return Err(LoadError::Invalid(Diagnostic::new(
                    format!("{shown}: not well-formed XML near byte {at}: {e}"),
                    format!("{shown}：第 {at} 字节附近不是格式正确的 XML：{e}"),
                )));
            }
        }
        buf.clear();
    }
}

fn walk(
    k: kml::Kml<f64>,
    folder: Option<&str>,
    raw: &mut Raw,
    warnings: &mut Vec<Diagnostic>,
    progress: &Progress<'_>,
) -> Result<(), LoadError> {
    match k {
        kml::Kml::KmlDocument(d) => {
            for e in d.elements {
                walk(e, folder, raw, warnings, progress)?;
            }
        }
        kml::Kml::Document { elements, .. } => {
            for e in elements {
                walk(e, folder, raw, warnings, progress)?;
            }
        }
        kml::Kml::Folder(f) => {
            let name = f.name.clone();
            for e in f.elements {
                walk(e, name.as_deref().or(folder), raw, warnings, progress)?;
            }
        }
        kml::Kml::Placemark(p) => {
            progress.step(raw.len(), 0)?;
            let mut props = Map::new();
            if let Some(n) = p.name {
                props.insert("name".to_owned(), Value::String(n.trim().to_owned()));
            }
            if let Some(d) = p.description.filter(|d| !d.trim().is_empty()) {
                props.insert("description".to_owned(), Value::String(d));
            }
            for child in &p.children {
                extended_data(child, &mut props);
            }
            if let Some(f) = folder {
                props.entry("folder".to_owned()).or_insert_with(|| Value::String(f.to_owned()));
            }
            let geometry = match p.geometry.map(geo::Geometry::<f64>::try_from) {
                None => None,
                Some(Ok(g)) => Some(simplify_parts(g)),
                Some(Err(e)) => {
                    super::unusable_geometry(warnings, raw.len(), &e);
                    None
                }
            };
            let id = p.attrs.get("id").cloned();
            raw.push((id, geometry, props.into()));
        }
        _ => {}
    }
    Ok(())
}

/// `<ExtendedData>`: `<SchemaData><SimpleData name="…">` and `<Data name="…"><value>`.
fn extended_data(e: &kml::types::Element, props: &mut Map<String, Value>) {
    match e.name.as_str() {
        "ExtendedData" | "SchemaData" => {
            for c in &e.children {
                extended_data(c, props);
            }
        }
        "SimpleData" => {
            if let Some(name) = e.attrs.get("name") {
                props.insert(name.clone(), typed(e.content.as_deref().unwrap_or_default()));
            }
        }
        "Data" => {
            if let Some(name) = e.attrs.get("name") {
                let value = e.children.iter().find(|c| c.name == "value").and_then(|c| c.content.as_deref());
                props.insert(name.clone(), typed(value.unwrap_or_default()));
            }
        }
        _ => {}
    }
}

/// KML text as a JSON value: numbers that print back the same stay numbers (so "0012" stays
/// text), everything else is text.
pub fn typed(s: &str) -> Value {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>()
        && n.to_string() == t
    {
        return Value::from(n);
    }
    if let Ok(f) = t.parse::<f64>()
        && f.is_finite()
        && !t.starts_with('+')
        && !t.starts_with('.')
        && (t.contains('.') || t.contains('e') || t.contains('E'))
        && !t.starts_with("00")
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(s.to_owned())
}
