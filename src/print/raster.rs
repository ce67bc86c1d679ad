//! A page plan drawn into pixels with tiny-skia at the page's resolution, and written as PNG
//! (with its resolution in the `pHYs` chunk) or JPEG (with it in the JFIF header).

use std::io::Write;

use tiny_skia::{
    FillRule, FilterQuality, Mask, Paint, PathBuilder, Pixmap, PixmapPaint, Stroke, StrokeDash, Transform,
};

use super::PrintError;
use super::plan::{Align, Item, MM_PER_PT, PagePlan, PathItem, TextItem};
use super::text::{PrintFont, Seg};
use crate::model::Rgba;

fn paint(c: Rgba) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c.0[0], c.0[1], c.0[2], c.0[3]);
    p.anti_alias = true;
    p
}

/// Draw the plan at `px_per_mm` into a pixmap of `size_px`.
pub fn rasterize(plan: &PagePlan, font: &PrintFont, size_px: [u32; 2], px_per_mm: f32) -> Result<Pixmap, PrintError> {
    let mut pixmap =
        Pixmap::new(size_px[0], size_px[1]).ok_or(PrintError::TooLarge { width: size_px[0], height: size_px[1] })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    draw_items(&mut pixmap, plan, font, px_per_mm, [0.0, 0.0]);
    Ok(pixmap)
}

/// Draw the plan's items into a pixmap whose top left is at `origin_mm` on the page.
pub fn draw_items(pixmap: &mut Pixmap, plan: &PagePlan, font: &PrintFont, px_per_mm: f32, origin_mm: [f32; 2]) {
    let page =
        Transform::from_row(px_per_mm, 0.0, 0.0, px_per_mm, -origin_mm[0] * px_per_mm, -origin_mm[1] * px_per_mm);
    let mut clip: Option<Mask> = None;
    for item in &plan.items {
        match item {
            Item::Clip(None) => clip = None,
            Item::Clip(Some([x, y, w, h])) => {
                clip = tiny_skia::Rect::from_xywh(*x, *y, *w, *h).and_then(|r| {
                    let mut m = Mask::new(pixmap.width(), pixmap.height())?;
                    m.fill_path(&PathBuilder::from_rect(r), FillRule::Winding, true, page);
                    Some(m)
                });
            }
            Item::Path(p) => draw_path(pixmap, p, page, clip.as_ref()),
            Item::Text(t) => draw_text(pixmap, font, t, page, clip.as_ref()),
            Item::Image(img) => {
                let [w, h] = img.size_px;
                let mut data = img.rgba.as_ref().clone();
                // tiny-skia wants premultiplied alpha.
                for px in data.chunks_exact_mut(4) {
                    let a = px[3] as u16;
                    if a < 255 {
                        for c in &mut px[..3] {
                            *c = ((*c as u16 * a + 127) / 255) as u8;
                        }
                    }
                }
                let Some(size) = tiny_skia::IntSize::from_wh(w, h) else { continue };
                let Some(src) = Pixmap::from_vec(data, size) else { continue };
                let [x, y, rw, rh] = img.rect_mm;
                let t = page.pre_translate(x, y).pre_scale(rw / w as f32, rh / h as f32);
                let paint = PixmapPaint { quality: FilterQuality::Bilinear, ..Default::default() };
                pixmap.draw_pixmap(0, 0, src.as_ref(), &paint, t, clip.as_ref());
            }
        }
    }
}

fn draw_path(pixmap: &mut Pixmap, p: &PathItem, t: Transform, clip: Option<&Mask>) {
    let mut pb = PathBuilder::new();
    for (pts, closed) in &p.parts {
        let mut it = pts.iter();
        let Some(first) = it.next() else { continue };
        pb.move_to(first[0], first[1]);
        for q in it {
            pb.line_to(q[0], q[1]);
        }
        if *closed {
            pb.close();
        }
    }
    let Some(path) = pb.finish() else { return };
    if let Some(fill) = p.fill {
        pixmap.fill_path(&path, &paint(fill), FillRule::EvenOdd, t, clip);
    }
    if let Some(s) = p.stroke {
        let mut stroke = Stroke { width: s.width_mm, line_join: tiny_skia::LineJoin::Round, ..Default::default() };
        stroke.line_cap = tiny_skia::LineCap::Round;
        if let Some([on, off]) = s.dash_mm {
            stroke.dash = StrokeDash::new(vec![on, off], 0.0);
            stroke.line_cap = tiny_skia::LineCap::Butt;
        }
        pixmap.stroke_path(&path, &paint(s.color), &stroke, t, clip);
    }
}

/// The text's left end on the baseline, millimetres.
pub fn text_start_mm(font: &PrintFont, t: &TextItem) -> [f32; 2] {
    let width_mm = font.width_em(&t.text) * t.size_pt * MM_PER_PT;
    let dx = match t.align {
        Align::Left => 0.0,
        Align::Center => width_mm / 2.0,
        Align::Right => width_mm,
    };
    [t.at_mm[0] - dx, t.at_mm[1]]
}

fn draw_text(pixmap: &mut Pixmap, font: &PrintFont, t: &TextItem, page: Transform, clip: Option<&Mask>) {
    let size_mm = t.size_pt * MM_PER_PT;
    let start = text_start_mm(font, t);
    let mut pb = PathBuilder::new();
    for g in font.layout(&t.text) {
        let x0 = start[0] + g.x_em * size_mm;
        let at = |p: [f32; 2]| (x0 + p[0] * size_mm, start[1] - p[1] * size_mm);
        for seg in font.outline(g.glyph_id).iter() {
            match *seg {
                Seg::Move(p) => {
                    let (x, y) = at(p);
                    pb.move_to(x, y)
                }
                Seg::Line(p) => {
                    let (x, y) = at(p);
                    pb.line_to(x, y)
                }
                Seg::Quad(c, p) => {
                    let ((cx, cy), (x, y)) = (at(c), at(p));
                    pb.quad_to(cx, cy, x, y)
                }
                Seg::Cubic(c0, c1, p) => {
                    let ((ax, ay), (bx, by), (x, y)) = (at(c0), at(c1), at(p));
                    pb.cubic_to(ax, ay, bx, by, x, y)
                }
                Seg::Close => pb.close(),
            }
        }
    }
    let Some(path) = pb.finish() else { return };
    if let Some((color, width_mm)) = t.halo {
        let stroke = Stroke { width: width_mm * 2.0, line_join: tiny_skia::LineJoin::Round, ..Default::default() };
        pixmap.stroke_path(&path, &paint(color), &stroke, page, clip);
    }
    pixmap.fill_path(&path, &paint(t.color), FillRule::Winding, page, clip);
}

/// Straight RGB bytes of a pixmap (print pages are opaque).
pub fn to_rgb(pixmap: &Pixmap) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixmap.width() as usize * pixmap.height() as usize * 3);
    for p in pixmap.pixels() {
        let c = p.demultiply();
        out.extend_from_slice(&[c.red(), c.green(), c.blue()]);
    }
    out
}

/// Straight RGBA bytes of a pixmap (for images placed in a PDF or SVG).
pub fn to_rgba(pixmap: &Pixmap) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixmap.width() as usize * pixmap.height() as usize * 4);
    for p in pixmap.pixels() {
        let c = p.demultiply();
        out.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    out
}

/// A PNG with the resolution recorded (pixels per metre in `pHYs`).
pub fn png_bytes(pixmap: &Pixmap, dpi: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let ppm = (dpi as f64 / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions { xppu: ppm, yppu: ppm, unit: png::Unit::Meter }));
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        let mut stream = writer.stream_writer().map_err(|e| e.to_string())?;
        // Row by row, so the RGB copy of a big page is never whole in memory twice.
        let w = pixmap.width() as usize;
        let mut row = Vec::with_capacity(w * 3);
        for line in pixmap.pixels().chunks_exact(w) {
            row.clear();
            for p in line {
                let c = p.demultiply();
                row.extend_from_slice(&[c.red(), c.green(), c.blue()]);
            }
            stream.write_all(&row).map_err(|e| e.to_string())?;
        }
        stream.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A JPEG (quality 92) with the resolution in its JFIF header.
pub fn jpeg_bytes(pixmap: &Pixmap, dpi: u32) -> Result<Vec<u8>, String> {
    use image::codecs::jpeg::{JpegEncoder, PixelDensity};
    let rgb = to_rgb(pixmap);
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 92);
    let d = dpi.min(u16::MAX as u32) as u16;
    enc.set_pixel_density(PixelDensity::dpi(d));
    enc.encode(&rgb, pixmap.width(), pixmap.height(), image::ExtendedColorType::Rgb8).map_err(|e| e.to_string())?;
    Ok(out)
}
