//! AutoCAD DXF (the dxf crate): lines, polylines, circles and arcs, points, texts and solids,
//! grouped by CAD layer. CAD drawings carry no coordinate system: a planner's DXF in
//! Gauss-Krüger metres is found from its 8-digit eastings, otherwise the user declares it.
//! A closed polyline is read as a polygon (a parcel, a red line), an open one as a line.
//! Hatches are not read (the dxf crate does not parse them): their boundaries usually exist as
//! polylines on their own layer too.

use std::path::Path;

use dxf::entities::EntityType;
use geo::{Coord, Geometry, LineString, Point, Polygon};
use serde_json::{Map, Value};

use super::encoding::{EncodingSource, TextEncoding};
use super::{FileCrs, Progress, assemble};
use crate::io::geojson::{Diagnostic, LoadError, LoadOptions, Parsed};

/// Segments used to draw a full circle.
const CIRCLE_SEGMENTS: usize = 72;

fn load(path: &Path, options: &LoadOptions) -> Result<(dxf::Drawing, TextEncoding, EncodingSource), LoadError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    let (encoding, source) = match options.encoding {
        Some(e) => (e, EncodingSource::Declared),
        None => (TextEncoding::detect(&bytes).unwrap_or(TextEncoding::Gb18030), EncodingSource::Detected),
    };
    let drawing = dxf::Drawing::load_file_with_encoding(path, encoding.codec()).map_err(|e| {
        LoadError::Invalid(Diagnostic::new(
            format!("{shown}: not a readable DXF: {e} (a binary DWG must be saved as DXF first)"),
            format!("{shown}：无法作为 DXF 读取：{e}（二进制 DWG 须先另存为 DXF）"),
        ))
    })?;
    Ok((drawing, encoding, source))
}

/// The CAD layers that hold entities the app reads, in order of first appearance.
pub fn list_layers(path: &Path) -> Result<Vec<String>, LoadError> {
    let (drawing, _, _) = load(path, &LoadOptions::default())?;
    let mut names: Vec<String> = Vec::new();
    for e in drawing.entities() {
        if geometry(&e.specific).is_some() && !names.contains(&e.common.layer) {
            names.push(e.common.layer.clone());
        }
    }
    Ok(names)
}

/// Reads the entities of one CAD layer (named in the options), or of all of them.
pub fn read(path: &Path, options: &LoadOptions, progress: &Progress<'_>) -> Result<Parsed, LoadError> {
    let (drawing, encoding, source) = load(path, options)?;
    let mut raw = Vec::new();
    let mut layers: Vec<String> = Vec::new();
    let mut skipped = 0usize;
    for (i, e) in drawing.entities().enumerate() {
        progress.step(i, 0)?;
        let Some((g, kind, text)) = geometry(&e.specific) else {
            skipped += 1;
            continue;
        };
        if !layers.contains(&e.common.layer) {
            layers.push(e.common.layer.clone());
        }
        if options.layer.as_ref().is_some_and(|l| *l != e.common.layer) {
            continue;
        }
        let mut props = Map::new();
        props.insert("layer".to_owned(), Value::String(e.common.layer.clone()));
        props.insert("entity".to_owned(), Value::String(kind.to_owned()));
        if let Some(t) = text {
            props.insert("text".to_owned(), Value::String(t));
            props.insert("name".to_owned(), props["text"].clone());
        }
        raw.push((None, Some(g), props.into()));
    }
    let mut warnings = Vec::new();
    if skipped > 0 {
        warnings.push(Diagnostic::new(
            format!("{skipped} entities of other kinds (hatches, blocks, dimensions…) are not read"),
            format!("有 {skipped} 个其他类型的图元（填充、图块、标注等）未读取"),
        ));
    }
    if let Some(l) = &options.layer
        && !layers.contains(l)
    {
        let shown = path.display();
        return Err(LoadError::Invalid(Diagnostic::new(
            format!("{shown}: no CAD layer {l:?}; the layers are: {}", layers.join(", ")),
            format!("{shown}：没有 CAD 图层 {l:?}；现有图层：{}", layers.join("、")),
        )));
    }
    let mut parsed = assemble(raw, options.declared_crs, FileCrs::Unstated, warnings)?;
    parsed.source.encoding = Some((encoding, source));
    parsed.source.layer = options.layer.clone();
    parsed.source.layers = layers;
    Ok(parsed)
}

/// An entity's geometry, kind and text.
fn geometry(e: &EntityType) -> Option<(Geometry<f64>, &'static str, Option<String>)> {
    let c = |p: &dxf::Point| Coord { x: p.x, y: p.y };
    let ring_or_line = |pts: Vec<Coord<f64>>, closed: bool| -> Option<Geometry<f64>> {
        if closed && pts.len() >= 3 {
            Some(Geometry::Polygon(Polygon::new(LineString(pts), vec![])))
        } else if pts.len() >= 2 {
            Some(Geometry::LineString(LineString(pts)))
        } else {
            None
        }
    };
    match e {
        EntityType::Line(l) => Some((Geometry::LineString(LineString(vec![c(&l.p1), c(&l.p2)])), "LINE", None)),
        EntityType::LwPolyline(p) => {
            let pts = p.vertices.iter().map(|v| Coord { x: v.x, y: v.y }).collect();
            Some((ring_or_line(pts, p.is_closed())?, "LWPOLYLINE", None))
        }
        EntityType::Polyline(p) => {
            let pts = p.vertices().map(|v| c(&v.location)).collect();
            Some((ring_or_line(pts, p.is_closed())?, "POLYLINE", None))
        }
        EntityType::Circle(ci) => {
            let pts = arc(ci.center.x, ci.center.y, ci.radius, 0.0, 360.0);
            Some((ring_or_line(pts, true)?, "CIRCLE", None))
        }
        EntityType::Arc(a) => {
            let end = if a.end_angle < a.start_angle { a.end_angle + 360.0 } else { a.end_angle };
            Some((ring_or_line(arc(a.center.x, a.center.y, a.radius, a.start_angle, end), false)?, "ARC", None))
        }
        EntityType::ModelPoint(p) => Some((Geometry::Point(Point(c(&p.location))), "POINT", None)),
        EntityType::Text(t) => Some((Geometry::Point(Point(c(&t.location))), "TEXT", Some(t.value.clone()))),
        EntityType::MText(t) => {
            let text = format!("{}{}", t.extended_text.join(""), t.text);
            Some((Geometry::Point(Point(c(&t.insertion_point))), "MTEXT", Some(text)))
        }
        EntityType::Solid(s) => {
            // A SOLID's corners go 1, 2, 4, 3 around its outline.
            let pts = vec![c(&s.first_corner), c(&s.second_corner), c(&s.fourth_corner), c(&s.third_corner)];
            Some((ring_or_line(pts, true)?, "SOLID", None))
        }
        _ => None,
    }
}

/// Points along an arc (degrees, counter-clockwise from `start` to `end`).
fn arc(cx: f64, cy: f64, r: f64, start_deg: f64, end_deg: f64) -> Vec<Coord<f64>> {
    let sweep = end_deg - start_deg;
    let n = ((CIRCLE_SEGMENTS as f64 * sweep / 360.0).ceil() as usize).max(2);
    (0..=n)
        .map(|i| {
            let a = (start_deg + sweep * i as f64 / n as f64).to_radians();
            Coord { x: cx + r * a.cos(), y: cy + r * a.sin() }
        })
        .collect()
}
