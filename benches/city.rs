//! City-scale performance: load + index of the generated 200,000-building file, frame preparation
//! (cull, level of detail, shapes, labels) at zooms 12–18 over the densest part, picking, and the
//! first frame with the embedded data.
//!
//! `cargo bench --bench city` (the figures go in the README's Performance section).

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Rect, pos2, vec2};
use kuiwen_atlas::basemap::MapProjection;
use kuiwen_atlas::io::synthetic::city_bytes;
use kuiwen_atlas::io::{LoadOptions, parse_bytes};
use kuiwen_atlas::model::{Layer, LayerOrigin, PickTolerance, Style};
use kuiwen_atlas::render::{LayerCache, MapView, PaintOptions, paint_layer, place_labels};

const DENSEST: [f64; 2] = [119.14, 36.70];

fn city_layer(bytes: &[u8]) -> Layer {
    let parsed = parse_bytes(bytes, LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    Layer::new("city", "city", "city", LayerOrigin::Generated, parsed.features, Style::distinct(0))
}

fn benches(c: &mut Criterion) {
    let bytes = city_bytes(200_000, 20_000);
    let mut g = c.benchmark_group("city");
    g.sample_size(10);
    g.bench_function("load_and_index_200k", |b| b.iter(|| city_layer(&bytes)));
    g.finish();

    let layer = city_layer(&bytes);
    let cache = LayerCache::build(&layer, MapProjection::WebMercator, 0);
    let ctx = egui::Context::default();
    let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(1600.0, 1000.0));
    let input = egui::RawInput { screen_rect: Some(rect), ..Default::default() };
    for zoom in [12.0, 14.0, 16.0, 18.0] {
        let view = MapView::new(rect, DENSEST, zoom, MapProjection::WebMercator);
        c.bench_function(&format!("frame_prep_zoom_{zoom}"), |b| {
            b.iter(|| {
                let _ = ctx.run_ui(input.clone(), |ui| {
                    let painter = ui.painter().clone();
                    let mut labels = Vec::new();
                    paint_layer(&painter, &view, &layer, &cache, PaintOptions::default(), &mut labels);
                    place_labels(&painter, labels, 13.0, true);
                });
            })
        });
    }

    let view = MapView::new(rect, DENSEST, 16.0, MapProjection::WebMercator);
    let tolerance = PickTolerance { radius_m: 6.0 * view.metres_per_point() };
    let mut k = 0u32;
    c.bench_function("pick_200k", |b| {
        b.iter(|| {
            k = k.wrapping_add(7919);
            let p = pos2((k % 1600) as f32, ((k / 1600) % 1000) as f32);
            layer.index.pick(&layer.features, view.screen_to_lon_lat(p), tolerance)
        })
    });
}

criterion_group!(city, benches);
criterion_main!(city);
