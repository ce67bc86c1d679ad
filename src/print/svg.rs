//! A page plan as SVG: paths and `<text>` in millimetres (the `viewBox` is the page in mm), so
//! the text stays text for editing in Illustrator or Inkscape, and images as embedded PNGs.

use std::fmt::Write;

use base64::Engine;

use super::plan::{Align, Item, MM_PER_PT, PagePlan};
use crate::model::Rgba;

/// The font families asked for, the bundled one first.
const FONT_FAMILY: &str = "'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif";

fn color(c: Rgba) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0[0], c.0[1], c.0[2])
}

fn opacity(c: Rgba) -> String {
    if c.0[3] == 255 { String::new() } else { format!("{:.3}", c.0[3] as f32 / 255.0) }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The SVG document.
pub fn svg_text(plan: &PagePlan) -> String {
    let [w, h] = plan.size_mm;
    let mut out = String::new();
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ =
        writeln!(out, r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">"#);
    let _ = writeln!(out, "<title>{}</title>", escape(&plan.title));
    let mut clip_open = false;
    let mut clip_id = 0;
    for item in &plan.items {
        match item {
            Item::Clip(r) => {
                if clip_open {
                    out.push_str("</g>\n");
                    clip_open = false;
                }
                if let Some([x, y, cw, ch]) = r {
                    clip_id += 1;
                    let _ = writeln!(
                        out,
                        r#"<clipPath id="c{clip_id}"><rect x="{x:.3}" y="{y:.3}" width="{cw:.3}" height="{ch:.3}"/></clipPath><g clip-path="url(#c{clip_id})">"#
                    );
                    clip_open = true;
                }
            }
            Item::Path(p) => {
                let mut d = String::new();
                for (pts, closed) in &p.parts {
                    for (i, q) in pts.iter().enumerate() {
                        let _ = write!(d, "{}{:.3} {:.3}", if i == 0 { "M" } else { "L" }, q[0], q[1]);
                    }
                    if *closed {
                        d.push('Z');
                    }
                }
                let fill = match p.fill {
                    Some(c) => {
                        let o = opacity(c);
                        let o = if o.is_empty() { String::new() } else { format!(r#" fill-opacity="{o}""#) };
                        format!(r#"fill="{}"{o} fill-rule="evenodd""#, color(c))
                    }
                    None => r#"fill="none""#.to_owned(),
                };
                let stroke = match p.stroke {
                    Some(s) => {
                        let o = opacity(s.color);
                        let o = if o.is_empty() { String::new() } else { format!(r#" stroke-opacity="{o}""#) };
                        let dash =
                            s.dash_mm.map(|[a, b]| format!(r#" stroke-dasharray="{a:.3} {b:.3}""#)).unwrap_or_default();
                        format!(
                            r#" stroke="{}"{o} stroke-width="{:.3}" stroke-linejoin="round" stroke-linecap="round"{dash}"#,
                            color(s.color),
                            s.width_mm
                        )
                    }
                    None => String::new(),
                };
                let _ = writeln!(out, r#"<path d="{d}" {fill}{stroke}/>"#);
            }
            Item::Text(t) => {
                let anchor = match t.align {
                    Align::Left => "start",
                    Align::Center => "middle",
                    Align::Right => "end",
                };
                let halo = t
                    .halo
                    .map(|(c, w)| {
                        format!(
                            r#" stroke="{}" stroke-width="{:.3}" stroke-linejoin="round" paint-order="stroke""#,
                            color(c),
                            w * 2.0
                        )
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    r#"<text x="{:.3}" y="{:.3}" font-family="{FONT_FAMILY}" font-size="{:.3}" fill="{}" text-anchor="{anchor}"{halo}>{}</text>"#,
                    t.at_mm[0],
                    t.at_mm[1],
                    t.size_pt * MM_PER_PT,
                    color(t.color),
                    escape(&t.text)
                );
            }
            Item::Image(img) => {
                let [x, y, iw, ih] = img.rect_mm;
                let mut png = Vec::new();
                let encoded = image::RgbaImage::from_raw(img.size_px[0], img.size_px[1], img.rgba.as_ref().clone())
                    .map(|i| i.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).is_ok())
                    .unwrap_or(false);
                if encoded {
                    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
                    let _ = writeln!(
                        out,
                        r#"<image x="{x:.3}" y="{y:.3}" width="{iw:.3}" height="{ih:.3}" preserveAspectRatio="none" href="data:image/png;base64,{b64}"/>"#
                    );
                }
            }
        }
    }
    if clip_open {
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}
