//! A page plan as a vector PDF (krilla): outlines and text as vectors, the basemap and very big
//! layers as images, and the bundled Noto Sans SC embedded (subset to the glyphs used) with its
//! Unicode map, so the Chinese prints anywhere and can be searched and copied.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, LineCap, LineJoin, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::PrintError;
use super::plan::{Item, MM_PER_PT, PagePlan, PathItem, TextItem};
use super::raster::text_start_mm;
use super::text::PrintFont;
use crate::model::Rgba;

fn pt(mm: f32) -> f32 {
    mm / MM_PER_PT
}

fn fill(c: Rgba, rule: FillRule) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0[0], c.0[1], c.0[2]).into(),
        opacity: NormalizedF32::new(c.0[3] as f32 / 255.0).unwrap_or(NormalizedF32::ONE),
        rule,
    }
}

/// The PDF's bytes.
pub fn pdf_bytes(plan: &PagePlan, font: &PrintFont) -> Result<Vec<u8>, PrintError> {
    let pdf_font = Font::new(font.bytes().into(), 0).ok_or_else(|| PrintError::Pdf("the bundled font".to_owned()))?;
    let mut doc = Document::new();
    doc.set_metadata(Metadata::new().title(plan.title.clone()).creator("Kuiwen Atlas 奎文规划一张图".to_owned()));
    let settings = PageSettings::from_wh(pt(plan.size_mm[0]), pt(plan.size_mm[1]))
        .ok_or_else(|| PrintError::Pdf(format!("page size {:?} mm", plan.size_mm)))?;
    let mut page = doc.start_page_with(settings);
    let mut surface = page.surface();
    let mut clipped = false;
    for item in &plan.items {
        match item {
            Item::Clip(r) => {
                if clipped {
                    surface.pop();
                    clipped = false;
                }
                if let Some([x, y, w, h]) = *r
                    && let Some(rect) = krilla::geom::Rect::from_xywh(pt(x), pt(y), pt(w), pt(h))
                {
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    if let Some(path) = pb.finish() {
                        surface.push_clip_path(&path, &FillRule::NonZero);
                        clipped = true;
                    }
                }
            }
            Item::Path(p) => draw_path(&mut surface, p),
            Item::Text(t) => draw_text(&mut surface, font, &pdf_font, t),
            Item::Image(img) => {
                let [w, h] = img.size_px;
                let image = Image::from_rgba8(img.rgba.as_ref().clone(), w, h);
                let [x, y, rw, rh] = img.rect_mm;
                if let Some(size) = Size::from_wh(pt(rw), pt(rh)) {
                    surface.push_transform(&Transform::from_translate(pt(x), pt(y)));
                    surface.draw_image(image, size);
                    surface.pop();
                }
            }
        }
    }
    if clipped {
        surface.pop();
    }
    surface.finish();
    page.finish();
    doc.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

fn draw_path(surface: &mut Surface<'_>, p: &PathItem) {
    let mut pb = PathBuilder::new();
    for (pts, closed) in &p.parts {
        let mut it = pts.iter();
        let Some(first) = it.next() else { continue };
        pb.move_to(pt(first[0]), pt(first[1]));
        for q in it {
            pb.line_to(pt(q[0]), pt(q[1]));
        }
        if *closed {
            pb.close();
        }
    }
    let Some(path) = pb.finish() else { return };
    surface.set_fill(p.fill.map(|c| fill(c, FillRule::EvenOdd)));
    surface.set_stroke(p.stroke.map(|s| Stroke {
        paint: rgb::Color::new(s.color.0[0], s.color.0[1], s.color.0[2]).into(),
        width: pt(s.width_mm),
        miter_limit: 4.0,
        line_cap: if s.dash_mm.is_some() { LineCap::Butt } else { LineCap::Round },
        line_join: LineJoin::Round,
        opacity: NormalizedF32::new(s.color.0[3] as f32 / 255.0).unwrap_or(NormalizedF32::ONE),
        dash: s.dash_mm.map(|[on, off]| StrokeDash { array: vec![pt(on), pt(off)], offset: 0.0 }),
    }));
    surface.draw_path(&path);
}

fn draw_text(surface: &mut Surface<'_>, font: &PrintFont, pdf_font: &Font, t: &TextItem) {
    let glyphs: Vec<KrillaGlyph> = font
        .layout(&t.text)
        .into_iter()
        .map(|g| KrillaGlyph::new(GlyphId::new(g.glyph_id), g.advance_em, 0.0, 0.0, 0.0, g.range, None))
        .collect();
    let start = text_start_mm(font, t);
    let at = Point::from_xy(pt(start[0]), pt(start[1]));
    if let Some((color, width_mm)) = t.halo {
        // The halo as outlines, so the text is not extracted twice.
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(color.0[0], color.0[1], color.0[2]).into(),
            width: pt(width_mm * 2.0),
            line_join: LineJoin::Round,
            opacity: NormalizedF32::new(color.0[3] as f32 / 255.0).unwrap_or(NormalizedF32::ONE),
            ..Default::default()
        }));
        surface.draw_glyphs(at, &glyphs, pdf_font.clone(), &t.text, t.size_pt, true);
    }
    surface.set_stroke(None);
    surface.set_fill(Some(fill(t.color, FillRule::NonZero)));
    surface.draw_glyphs(at, &glyphs, pdf_font.clone(), &t.text, t.size_pt, false);
}
