//! City-scale performance: load + index of the generated 200,000-building file, the frame cost on
//! the UI thread at zooms 12–18 over the densest part (cull, tiles, labels and egui's tessellation
//! of the result), how long the tile workers take to fill a view, and picking.
//!
//! `cargo bench --bench city` (the figures go in the README's Performance section). Besides
//! criterion's means, it prints the p95 of 200 frames per zoom and the fill times.

use std::time::{Duration, Instant};

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

/// One UI-thread frame as the app does it: paint the layer, place labels, tessellate the shapes.
fn frame(ctx: &egui::Context, input: &egui::RawInput, view: &MapView, layer: &Layer, cache: &LayerCache) -> usize {
    let out = ctx.run_ui(input.clone(), |ui| {
        let painter = ui.painter().clone();
        let mut labels = Vec::new();
        paint_layer(&painter, view, layer, cache, PaintOptions::default(), &mut labels);
        place_labels(&painter, labels, 13.0, true, &[]);
    });
    ctx.tessellate(out.shapes, out.pixels_per_point).len()
}

/// Paint frames until the workers have rendered every tile of the view; the time it took.
fn fill(ctx: &egui::Context, input: &egui::RawInput, view: &MapView, layer: &Layer, cache: &LayerCache) -> Duration {
    let started = Instant::now();
    frame(ctx, input, view, layer, cache);
    while cache.pending() {
        assert!(started.elapsed() < Duration::from_secs(120), "tiles never completed");
        std::thread::sleep(Duration::from_millis(2));
        frame(ctx, input, view, layer, cache);
    }
    started.elapsed()
}

fn p95_ms(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[(samples.len() * 95 / 100).min(samples.len() - 1)].as_secs_f64() * 1000.0
}

fn benches(c: &mut Criterion) {
    let bytes = city_bytes(200_000, 20_000);
    let mut g = c.benchmark_group("city");
    g.sample_size(10);
    g.bench_function("load_and_index_200k", |b| b.iter(|| city_layer(&bytes)));
    g.finish();

    let layer = city_layer(&bytes);
    let started = Instant::now();
    let cache = LayerCache::build(&layer, MapProjection::WebMercator, 0);
    println!("layer cache build (projection, tile index): {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);
    assert!(cache.raster.is_some(), "the city layer must take the raster path");
    let ctx = egui::Context::default();
    let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(1600.0, 1000.0));
    let input = egui::RawInput { screen_rect: Some(rect), ..Default::default() };
    for zoom in [12.0, 14.0, 16.0, 18.0] {
        let view = MapView::new(rect, DENSEST, zoom, MapProjection::WebMercator);
        if let Some(r) = &cache.raster {
            r.clear_tiles();
        }
        let cold = fill(&ctx, &input, &view, &layer, &cache);
        println!(
            "zoom {zoom}: a cold 1600x1000 view completes on the workers in {:.0} ms",
            cold.as_secs_f64() * 1000.0
        );
        let samples: Vec<Duration> = (0..200)
            .map(|_| {
                let t = Instant::now();
                frame(&ctx, &input, &view, &layer, &cache);
                t.elapsed()
            })
            .collect();
        println!("zoom {zoom}: UI-thread frame p95 {:.2} ms over 200 frames", p95_ms(samples));
        c.bench_function(&format!("frame_zoom_{zoom}"), |b| b.iter(|| frame(&ctx, &input, &view, &layer, &cache)));
    }

    // Zooming in one level from a complete view: the frames keep showing the scaled tiles while
    // the workers render the new zoom; how long until it is sharp.
    let mut g = c.benchmark_group("city_fill");
    g.sample_size(10);
    let view = MapView::new(rect, DENSEST, 16.0, MapProjection::WebMercator);
    g.bench_function("fill_view_zoom_16_cold", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    if let Some(r) = &cache.raster {
                        r.clear_tiles();
                    }
                    fill(&ctx, &input, &view, &layer, &cache)
                })
                .sum()
        })
    });
    g.finish();

    let view = MapView::new(rect, DENSEST, 16.0, MapProjection::WebMercator);
    let tolerance = PickTolerance { radius_m: 6.0 * view.metres_per_point() };
    let mut k = 0u32;
    c.bench_function("pick_200k", |b| {
        b.iter(|| {
            k = k.wrapping_add(7919);
            let p = pos2((k % 1600) as f32, ((k / 1600) % 1000) as f32);
            layer.index.pick(&layer.features, view.screen_to_lon_lat(p).to_array(), tolerance)
        })
    });
}

criterion_group!(city, benches);
criterion_main!(city);
