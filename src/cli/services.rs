//! `kuiwen-atlas services URL`: the layers of a WFS, OGC API Features, WMTS or WMS address in a
//! table (name, title, type, coordinate system or tile matrix set, extent), and for each tile
//! layer the template `--basemap` takes, or why it cannot be a basemap.

use kuiwen_core::i18n::both;
use serde_json::{Value, json};

use crate::ogc::{FeatureLayerInfo, Listing, TileChoice, TileLayerInfo, TileService, probe, tile_template};

/// Arguments of `services`.
#[derive(clap::Args, Debug)]
pub struct ServicesArgs {
    /// The service's address: a WFS, WMTS or WMS GetCapabilities URL, a WMTSCapabilities.xml, or
    /// an OGC API Features landing page or its /collections. Keys in it (Tianditu's tk=) are kept
    /// on the tile templates printed.
    pub url: String,
    /// Print one JSON document instead of the table: {"service","layers":[{"name","title","type",
    /// "crs","extent","template","unusable"}]}.
    #[arg(long)]
    pub json: bool,
}

/// One row of the table.
struct Row {
    name: String,
    title: String,
    kind: String,
    crs: String,
    extent: Option<[f64; 4]>,
    /// The `--basemap` template, or why there is none (tile layers only).
    template: Option<Result<String, String>>,
}

/// `urn:ogc:def:crs:EPSG::4326` → `EPSG:4326`, CRS84 names → `CRS84`.
fn short_crs(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("crs84") || lower.ends_with("crs:84") {
        return "CRS84".to_owned();
    }
    match crate::io::crs::parse_epsg_code(name) {
        Some(code) => format!("EPSG:{code}"),
        None => name.to_owned(),
    }
}

fn feature_row(kind: &str, l: &FeatureLayerInfo) -> Row {
    let mut crs: Vec<String> = l.default_crs.iter().map(|c| short_crs(c)).collect();
    crs.extend(l.other_crs.iter().map(|c| short_crs(c)));
    crs.dedup();
    Row {
        name: l.name.clone(),
        title: l.title.clone(),
        kind: kind.to_owned(),
        crs: crs.join(" "),
        extent: l.wgs84_bbox,
        template: None,
    }
}

fn tile_row(l: &TileLayerInfo) -> Row {
    let crs = match &l.service {
        TileService::Wmts => l
            .matrix_sets
            .iter()
            .map(|s| if s.support.is_ok() { s.identifier.clone() } else { format!("({})", s.identifier) })
            .collect::<Vec<_>>()
            .join(" "),
        TileService::Wms { .. } => l.crs.iter().map(|c| short_crs(c)).collect::<Vec<_>>().join(" "),
    };
    let template = Some(tile_template(l, &TileChoice::default()).map_err(|e| match &e {
        crate::ogc::OgcError::Unsupported { why, .. } => why.en.clone(),
        other => other.to_string(),
    }));
    Row { name: l.name.clone(), title: l.title.clone(), kind: l.kind_label(), crs, extent: l.wgs84_bbox, template }
}

/// Columns a character takes in a terminal: two for CJK and full-width forms.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
                || (0x20000..=0x3FFFD).contains(&u);
            if wide { 2 } else { 1 }
        })
        .sum()
}

fn pad(s: &str, to: usize) -> String {
    format!("{s}{}", " ".repeat(to.saturating_sub(width(s))))
}

fn extent_text(e: Option<[f64; 4]>) -> String {
    e.map(|b| format!("{:.3},{:.3},{:.3},{:.3}", b[0], b[1], b[2], b[3])).unwrap_or_else(|| "-".to_owned())
}

/// Runs `services`; the exit code: 0 listed, 1 the address could not be read.
pub fn run_services(args: &ServicesArgs) -> i32 {
    let listing = match probe(&args.url) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("kuiwen-atlas services: {}", both(&e));
            return 1;
        }
    };
    let (service, rows): (String, Vec<Row>) = match &listing {
        Listing::Features { service, layers } => {
            let kind = service.kind_label();
            (
                format!("{kind} {}", crate::ogc::redact(service.base_url())),
                layers.iter().map(|l| feature_row(kind, l)).collect(),
            )
        }
        Listing::Tiles(layers) => (
            layers.first().map(TileLayerInfo::kind_label).unwrap_or_else(|| "WMTS/WMS".to_owned()),
            layers.iter().map(tile_row).collect(),
        ),
    };
    if args.json {
        let layers: Vec<Value> = rows
            .iter()
            .map(|r| {
                json!({
                    "name": r.name,
                    "title": r.title,
                    "type": r.kind,
                    "crs": r.crs,
                    "extent": r.extent,
                    "template": r.template.as_ref().and_then(|t| t.as_ref().ok()),
                    "unusable": r.template.as_ref().and_then(|t| t.as_ref().err()),
                })
            })
            .collect();
        println!("{}", json!({ "service": service, "layers": layers }));
        return 0;
    }
    println!("{service}: {} {}", rows.len(), if rows.len() == 1 { "layer" } else { "layers" });
    if rows.is_empty() {
        return 0;
    }
    let header = ["NAME 名称", "TITLE 标题", "TYPE 类型", "CRS / MATRIX SET 坐标系/切片方案", "EXTENT 范围 (W,S,E,N)"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| [r.name.clone(), r.title.clone(), r.kind.clone(), r.crs.clone(), extent_text(r.extent)])
        .collect();
    let mut widths = header.map(width);
    for c in &cells {
        for (w, text) in widths.iter_mut().zip(c) {
            *w = (*w).max(width(text));
        }
    }
    let line = |c: [&str; 5]| {
        c.iter().zip(widths).map(|(t, w)| pad(t, w)).collect::<Vec<_>>().join("  ").trim_end().to_owned()
    };
    println!("{}", line(header));
    for c in &cells {
        println!("{}", line([&c[0], &c[1], &c[2], &c[3], &c[4]]));
    }
    if rows.iter().any(|r| r.template.is_some()) {
        println!();
        println!(
            "Basemap templates (kuiwen-atlas --basemap 'TEMPLATE'; parenthesised matrix sets are not Web Mercator):"
        );
        for r in &rows {
            match &r.template {
                Some(Ok(t)) => println!("  {}  --basemap '{t}'", r.name),
                Some(Err(why)) => println!("  {}  not usable as a basemap: {why}", r.name),
                None => {}
            }
        }
    }
    if let Listing::Features { .. } = &listing {
        println!();
        println!(
            "Open a layer with: kuiwen-atlas convert \"WFS:URL?typeNames=NAME\" out.gpkg, or \"OAPIF:URL/collections/NAME\""
        );
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_chinese_as_two() {
        assert_eq!(width("公园绿地"), 8);
        assert_eq!(width("parks"), 5);
        assert_eq!(pad("公园", 6), "公园  ");
        assert_eq!(short_crs("urn:ogc:def:crs:EPSG::4326"), "EPSG:4326");
        assert_eq!(short_crs("http://www.opengis.net/def/crs/OGC/1.3/CRS84"), "CRS84");
    }
}
