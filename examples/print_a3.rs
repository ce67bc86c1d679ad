//! Makes the A3 print-layout example in `docs/`: the embedded layers around the southern new
//! town with a few marks (标注), at 1:25 000 with the kilometre grid, as PDF and as a 300-dpi JPEG.
//!
//! `cargo run --release --example print_a3 -- OUT_DIR`

use kuiwen_atlas::basemap::MapProjection;
use kuiwen_atlas::model::Rgba;
use kuiwen_atlas::model::layout::{Grid, PageSetup, PrintSettings};
use kuiwen_atlas::model::marks::{Mark, MarkGeometry, MarkStyle, MarkSymbol, Marks};
use kuiwen_atlas::print::{Extent, PrintJob, print_to_file};

fn mark(geometry: MarkGeometry, label: &str, color: [u8; 3], dashed: bool) -> Mark {
    let [r, g, b] = color;
    let style = MarkStyle {
        color: Rgba::rgb(r, g, b),
        fill: Rgba::rgba(r, g, b, 50),
        text_pt: 11.0,
        dashed,
        ..Default::default()
    };
    Mark { id: 0, geometry, label: label.to_owned(), style, group: String::new() }
}

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "docs".to_owned()));
    let layers = match kuiwen_atlas::io::embedded::load_all() {
        Ok(l) => l,
        Err((file, e)) => {
            eprintln!("{file}: {e}");
            std::process::exit(1);
        }
    };
    let mut marks = Marks::default();
    for m in [
        mark(
            MarkGeometry::Point { lon_lat: [119.142, 36.662], symbol: MarkSymbol::Star },
            "拟建九年一贯制学校",
            [214, 39, 40],
            false,
        ),
        mark(
            MarkGeometry::Polygon {
                ring: vec![[119.155, 36.650], [119.168, 36.650], [119.168, 36.642], [119.155, 36.642]],
            },
            "近期更新单元",
            [230, 120, 0],
            true,
        ),
        mark(
            MarkGeometry::Line { points: vec![[119.128, 36.640], [119.140, 36.648], [119.150, 36.652]], arrow: true },
            "规划绿廊",
            [0, 140, 60],
            false,
        ),
        mark(
            MarkGeometry::Callout { anchor_lon_lat: [119.1625, 36.6655], text_lon_lat: [119.178, 36.673] },
            "现状厂房待搬迁",
            [40, 40, 160],
            false,
        ),
    ] {
        marks.add(m);
    }
    let settings = PrintSettings {
        page: PageSetup::default(),
        title: "奎文区南部新城近期建设示意图".to_owned(),
        subtitle: "标注为规划意向示意，非法定图件".to_owned(),
        author: "奎文区自然资源局（示例）".to_owned(),
        grid: Grid::Kilometre,
        ..Default::default()
    };
    let job = PrintJob {
        settings: &settings,
        layers: layers.iter().filter(|l| l.visible).collect(),
        marks: &marks,
        extent: Extent::Scale { center_lon_lat: [119.150, 36.655], denominator: 25_000.0 },
        projection: MapProjection::WebMercator,
        english: false,
        sources: vec![
            "内置示意图层（按 2017 年《潍坊日报》报道绘制，非测绘成果）；奎文区界近似（±1000 m）".to_owned(),
            "© OpenStreetMap contributors, geoBoundaries".to_owned(),
            "坐标系：CGCS2000（与 WGS84 相差厘米级），Web 墨卡托投影显示；比例尺按椭球面实测。".to_owned(),
        ],
        today: "2026年12月2日".to_owned(),
        big_layers_as_images: true,
    };
    for name in ["print-a3.pdf", "print-a3.jpg"] {
        match print_to_file(&job, None, &out.join(name)) {
            Ok(r) => println!(
                "{name}: {}×{} px, 1:{:.0}, {} bytes",
                r.size_px[0], r.size_px[1], r.info.scale_denominator, r.bytes
            ),
            Err(e) => {
                eprintln!("{name}: {e}");
                std::process::exit(1);
            }
        }
    }
}
