//! The bundled Noto Sans SC for print: glyphs, advances and outlines read with skrifa, so the
//! raster pages draw the same glyphs at the same places as the PDF, which embeds the font.
//!
//! Chinese needs no shaping beyond the character map: each character is one glyph with its
//! horizontal advance. Characters the font lacks are drawn as its `.notdef` box, and counted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider};

use crate::app::fonts::CJK_FONT_BYTES;

/// One glyph of a laid-out line.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedGlyph {
    /// The glyph's id in the font.
    pub glyph_id: u32,
    /// Its pen position from the line's start, in ems.
    pub x_em: f32,
    /// Its advance, in ems.
    pub advance_em: f32,
    /// The bytes of the text it stands for.
    pub range: std::ops::Range<usize>,
}

/// One outline command in ems, y up (the font's own frame).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Seg {
    /// Start a contour.
    Move([f32; 2]),
    /// A straight segment.
    Line([f32; 2]),
    /// A quadratic curve (control, end).
    Quad([f32; 2], [f32; 2]),
    /// A cubic curve (two controls, end).
    Cubic([f32; 2], [f32; 2], [f32; 2]),
    /// Close the contour.
    Close,
}

/// The print font: the bundled Noto Sans SC subset.
#[derive(Clone)]
pub struct PrintFont {
    data: &'static [u8],
    outlines: Arc<Mutex<HashMap<u32, Arc<Vec<Seg>>>>>,
}

impl std::fmt::Debug for PrintFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrintFont").field("bytes", &self.data.len()).finish()
    }
}

impl Default for PrintFont {
    fn default() -> Self {
        Self::bundled()
    }
}

impl PrintFont {
    /// The font bundled with the app.
    pub fn bundled() -> Self {
        Self { data: CJK_FONT_BYTES, outlines: Arc::default() }
    }

    /// The font file's bytes (for embedding).
    pub fn bytes(&self) -> &'static [u8] {
        self.data
    }

    fn font(&self) -> Option<FontRef<'static>> {
        FontRef::new(self.data).ok()
    }

    /// Ascent and descent (negative) in ems.
    pub fn ascent_descent_em(&self) -> (f32, f32) {
        match self.font() {
            Some(f) => {
                let m = f.metrics(Size::unscaled(), LocationRef::default());
                let upem = m.units_per_em.max(1) as f32;
                (m.ascent / upem, m.descent / upem)
            }
            None => (0.88, -0.12),
        }
    }

    /// Lay out one line: glyph ids and positions in ems.
    pub fn layout(&self, text: &str) -> Vec<PlacedGlyph> {
        let Some(font) = self.font() else { return Vec::new() };
        let charmap = font.charmap();
        let upem = font.metrics(Size::unscaled(), LocationRef::default()).units_per_em.max(1) as f32;
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let mut x_em = 0.0;
        let mut out = Vec::with_capacity(text.len());
        for (i, ch) in text.char_indices() {
            let gid = charmap.map(ch).unwrap_or(GlyphId::NOTDEF);
            let advance_em = metrics.advance_width(gid).unwrap_or(upem * 0.5) / upem;
            out.push(PlacedGlyph { glyph_id: gid.to_u32(), x_em, advance_em, range: i..i + ch.len_utf8() });
            x_em += advance_em;
        }
        out
    }

    /// The width of a line, in ems.
    pub fn width_em(&self, text: &str) -> f32 {
        self.layout(text).last().map(|g| g.x_em + g.advance_em).unwrap_or(0.0)
    }

    /// The characters of `text` the font has no glyph for.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let Some(font) = self.font() else { return text.chars().collect() };
        let charmap = font.charmap();
        text.chars().filter(|c| !c.is_whitespace() && charmap.map(*c).is_none()).collect()
    }

    /// A glyph's outline in ems, y up (cached).
    pub fn outline(&self, glyph_id: u32) -> Arc<Vec<Seg>> {
        if let Ok(cache) = self.outlines.lock()
            && let Some(o) = cache.get(&glyph_id)
        {
            return o.clone();
        }
        let mut pen = EmPen { segs: Vec::new(), scale: 1.0 };
        if let Some(font) = self.font() {
            let upem = font.metrics(Size::unscaled(), LocationRef::default()).units_per_em.max(1) as f32;
            pen.scale = 1.0 / upem;
            if let Some(glyph) = font.outline_glyphs().get(GlyphId::new(glyph_id)) {
                let settings = DrawSettings::unhinted(Size::unscaled(), LocationRef::default());
                if glyph.draw(settings, &mut pen).is_err() {
                    pen.segs.clear();
                }
            }
        }
        let segs = Arc::new(pen.segs);
        if let Ok(mut cache) = self.outlines.lock() {
            cache.insert(glyph_id, segs.clone());
        }
        segs
    }
}

struct EmPen {
    segs: Vec<Seg>,
    scale: f32,
}

impl OutlinePen for EmPen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.segs.push(Seg::Move([x * self.scale, y * self.scale]));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.segs.push(Seg::Line([x * self.scale, y * self.scale]));
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        let s = self.scale;
        self.segs.push(Seg::Quad([cx0 * s, cy0 * s], [x * s, y * s]));
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let s = self.scale;
        self.segs.push(Seg::Cubic([cx0 * s, cy0 * s], [cx1 * s, cy1 * s], [x * s, y * s]));
    }
    fn close(&mut self) {
        self.segs.push(Seg::Close);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_lays_out_with_full_width_advances_and_outlines() {
        let font = PrintFont::bundled();
        let glyphs = font.layout("奎文区 1:25000");
        assert_eq!(glyphs.len(), 11);
        assert!(glyphs.iter().all(|g| g.glyph_id != 0), "every character has a glyph");
        assert!((glyphs[0].advance_em - 1.0).abs() < 0.01, "a CJK character is one em wide");
        assert!(glyphs[4].advance_em < 0.7, "a digit is narrower");
        assert!(font.outline(glyphs[0].glyph_id).len() > 10, "奎 has an outline");
        assert!(font.missing("奎文区").is_empty());
        let (asc, desc) = font.ascent_descent_em();
        assert!(asc > 0.7 && desc < 0.0);
    }
}
