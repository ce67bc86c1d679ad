//! Fonts: the bundled Simplified Chinese subset as a fallback behind egui's own fonts.
//!
//! egui has no CJK glyphs. The bundled subset of Noto Sans CJK SC (SIL OFL, see
//! `assets/fonts/OFL.txt`) covers GB 2312, every character of the embedded data and every UI
//! string. eframe's system-font provider stays on for rarer characters, and a character no font
//! has is drawn as a box by egui rather than crashing.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

/// The bundled font file.
pub const CJK_FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Kuiwen-Regular.otf");
/// Its name inside egui's font definitions.
pub const CJK_FONT_NAME: &str = "noto-sans-sc-kuiwen";

/// egui's default fonts, with the Chinese font added behind them in both families (Latin text
/// keeps egui's look; Chinese falls through to Noto).
pub fn font_definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(CJK_FONT_NAME.to_owned(), Arc::new(FontData::from_static(CJK_FONT_BYTES)));
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts.families.entry(family).or_default().push(CJK_FONT_NAME.to_owned());
    }
    fonts
}

/// Install the fonts into a context.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions());
}
