//! Draws the Kuiwen Atlas app icon and writes every file the packages and the window need: the
//! hicolor PNGs for the Debian package, a scalable SVG of the same design, and the `.ico` for the
//! Windows `.exe` (`build.rs`) with 16, 24, 32, 48, 64 and 256 px images.
//!
//! `cargo run --release --example make_icons -- assets/icons`
//!
//! writes, under the folder given (`assets/icons` in the repository),
//! `hicolor/{16x16,24x24,32x32,48x48,64x64,128x128,256x256,512x512}/apps/kuiwen-atlas.png`,
//! `kuiwen-atlas.svg` (for hicolor `scalable/apps`) and `kuiwen-atlas.ico`; the same data give the
//! same bytes. Every output comes from one geometry description ([`design`], in icon units):
//! tiny-skia renders it to pixels, anti-aliased, and [`to_svg`] writes it as SVG text. At 16 and
//! 24 px the description is simpler, to stay crisp: a coarser outline that fills more of the
//! square, no shadow, lines at least 1.5 px wide, a bigger pin, and at 16 px no railway.
//!
//! The design: a deep teal rounded square; the land is the real outline of Kuiwen District
//! (longitude scaled by cos(latitude), fitted into the square with a margin, simplified to 34
//! vertices, 14 at 16 and 24 px); the Jiaoji railway (胶济铁路) crosses it as a dark line and runs
//! on faintly over the background to the square's edges; a red pin stands on the district's
//! centroid. The railway is clipped to the land and to the square geometrically, so the SVG
//! needs no `clipPath` (which some icon renderers ignore) and the PNGs and the SVG match.
//!
//! The outline is the embedded `geodata/kuiwen_boundary.geojson`: OpenStreetMap administrative
//! boundaries (2017) simplified by geoBoundaries (CHN ADM3, `CHN-ADM3-62558664`), © OpenStreetMap
//! contributors, geoBoundaries, under the ODbL 1.0; this program simplifies it further. The
//! railway is the embedded `geodata/jiaoji_railway.geojson`: through OpenStreetMap's positions of
//! 潍坊站 and 廿里堡站, its course otherwise illustrative.

use std::error::Error;
use std::fmt::Write as _;
use std::path::Path as FsPath;

use tiny_skia::{
    FillRule, GradientStop, LineCap, LineJoin, LinearGradient, Paint, PathBuilder, Pixmap, Point, SpreadMode, Stroke,
    Transform,
};

type Res<T> = Result<T, Box<dyn Error>>;

/// The hicolor sizes written as PNG.
const PNG_SIZES: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];
/// The sizes in the `.ico` (Windows picks from these for Explorer, the taskbar and the title bar).
const ICO_SIZES: [u32; 6] = [16, 24, 32, 48, 64, 256];
/// The SVG's user units: the design at 512 px.
const SVG_SIZE: u32 = 512;

const BOUNDARY: &str = include_str!("../geodata/kuiwen_boundary.geojson");
const RAILWAY: &str = include_str!("../geodata/jiaoji_railway.geojson");

// ---------------------------------------------------------------------------------------------
// The geometry description: paths in icon units (0..1, y down) with their paint.

type Pt = [f64; 2];

/// One path segment.
#[derive(Clone, Copy)]
enum Seg {
    Move(Pt),
    Line(Pt),
    Cubic(Pt, Pt, Pt),
    Close,
}

/// A colour, RGBA 0–255.
#[derive(Clone, Copy)]
struct Rgba(u8, u8, u8, u8);

/// How a shape is filled.
enum Fill {
    Solid(Rgba),
    /// A linear gradient from `from` to `to` (icon units) through (offset, colour) stops.
    Linear {
        from: Pt,
        to: Pt,
        stops: Vec<(f32, Rgba)>,
    },
}

/// One drawing operation. Fills use the nonzero rule; strokes have round joins.
enum Op {
    Fill { path: Vec<Seg>, fill: Fill },
    Stroke { path: Vec<Seg>, paint: Fill, width: f64, round_caps: bool },
}

/// The icon at one size: operations in painting order.
struct Design {
    ops: Vec<Op>,
    /// How many vertices the outline has at this size.
    outline_vertices: usize,
}

/// The map data the design uses, projected and fitted into the icon (icon units).
struct MapData {
    /// The district outline (closed ring, without the repeated first point).
    land: Vec<Pt>,
    /// The railway, simplified.
    railway: Vec<Pt>,
    /// The pin's tip: the centroid of the (unsimplified) outline.
    pin: Pt,
}

// ---------------------------------------------------------------------------------------------
// Reading and fitting the outline.

fn coords(v: &serde_json::Value) -> Res<Vec<Pt>> {
    let arr = v.as_array().ok_or("coordinates: not an array")?;
    arr.iter()
        .map(|p| {
            let lon = p.get(0).and_then(serde_json::Value::as_f64).ok_or("bad position")?;
            let lat = p.get(1).and_then(serde_json::Value::as_f64).ok_or("bad position")?;
            Ok([lon, lat])
        })
        .collect()
}

/// The geometry of the feature `id` in a GeoJSON FeatureCollection.
fn geometry<'a>(fc: &'a serde_json::Value, id: &str) -> Res<&'a serde_json::Value> {
    let features = fc.get("features").and_then(serde_json::Value::as_array).ok_or("no features")?;
    let f = features
        .iter()
        .find(|f| f.get("id").and_then(serde_json::Value::as_str) == Some(id))
        .ok_or_else(|| format!("no feature {id}"))?;
    Ok(&f["geometry"]["coordinates"])
}

fn seg_dist(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    (p[0] - a[0] - t * dx).hypot(p[1] - a[1] - t * dy)
}

/// Douglas–Peucker on an open polyline (keeps both ends).
fn simplify(pts: &[Pt], eps: f64) -> Vec<Pt> {
    fn rec(pts: &[Pt], eps: f64, out: &mut Vec<Pt>) {
        let (a, b) = (pts[0], pts[pts.len() - 1]);
        let (mut worst, mut at) = (0.0, 0);
        for (i, &p) in pts.iter().enumerate().take(pts.len() - 1).skip(1) {
            let d = seg_dist(p, a, b);
            if d > worst {
                (worst, at) = (d, i);
            }
        }
        if worst > eps {
            rec(&pts[..=at], eps, out);
            rec(&pts[at..], eps, out);
        } else {
            out.push(b);
        }
    }
    if pts.len() < 3 {
        return pts.to_vec();
    }
    let mut out = vec![pts[0]];
    rec(pts, eps, &mut out);
    out
}

/// Douglas–Peucker on a closed ring (no repeated last point): split at the vertex farthest from
/// the first one and simplify both halves.
fn simplify_ring(ring: &[Pt], eps: f64) -> Vec<Pt> {
    let far = (1..ring.len())
        .max_by(|&i, &j| {
            let d = |k: usize| (ring[k][0] - ring[0][0]).hypot(ring[k][1] - ring[0][1]);
            d(i).total_cmp(&d(j))
        })
        .unwrap_or(0);
    let mut first: Vec<Pt> = ring[..=far].to_vec();
    let mut second: Vec<Pt> = ring[far..].to_vec();
    second.push(ring[0]);
    first = simplify(&first, eps);
    second = simplify(&second, eps);
    first.pop();
    second.pop();
    first.extend(second);
    first
}

/// Projects the outline and the railway (longitude scaled by cos(latitude)), fits the outline's
/// bounding box into the square with `margin` on the tighter side, and simplifies the outline
/// and the railway with `eps` (icon units); the pin goes on the full outline's centroid.
fn map_data(margin: f64, eps: f64) -> Res<MapData> {
    let boundary: serde_json::Value = serde_json::from_str(BOUNDARY)?;
    let railway: serde_json::Value = serde_json::from_str(RAILWAY)?;
    let mut ring = coords(&geometry(&boundary, "boundary-kuiwen")?[0])?;
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    let rail = coords(geometry(&railway, "railway-jiaoji")?)?;

    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in &ring {
        (x0, x1, y0, y1) = (x0.min(p[0]), x1.max(p[0]), y0.min(p[1]), y1.max(p[1]));
    }
    let kx = ((y0 + y1) / 2.0).to_radians().cos();
    let (w, h) = ((x1 - x0) * kx, y1 - y0);
    let scale = (1.0 - 2.0 * margin) / w.max(h);
    let (ox, oy) = ((1.0 - w * scale) / 2.0, (1.0 - h * scale) / 2.0);
    let project = |p: &Pt| [ox + (p[0] - x0) * kx * scale, oy + (y1 - p[1]) * scale];

    let land: Vec<Pt> = ring.iter().map(project).collect();
    let railway: Vec<Pt> = rail.iter().map(project).collect();
    Ok(MapData { pin: centroid(&land), land: simplify_ring(&land, eps), railway: simplify(&railway, eps * 0.5) })
}

/// The area centroid of a ring.
fn centroid(ring: &[Pt]) -> Pt {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (i, p) in ring.iter().enumerate() {
        let q = ring[(i + 1) % ring.len()];
        let c = p[0] * q[1] - q[0] * p[1];
        (a, cx, cy) = (a + c, cx + (p[0] + q[0]) * c, cy + (p[1] + q[1]) * c);
    }
    [cx / (3.0 * a), cy / (3.0 * a)]
}

// ---------------------------------------------------------------------------------------------
// Shapes.

/// The polyline with its first and last segments lengthened by `by` (icon units).
fn extend_ends(pts: &[Pt], by: f64) -> Vec<Pt> {
    let mut out = pts.to_vec();
    let n = out.len();
    if n >= 2 {
        let push = |p: Pt, from: Pt| {
            let (dx, dy) = (p[0] - from[0], p[1] - from[1]);
            let len = dx.hypot(dy).max(f64::EPSILON);
            [p[0] + dx / len * by, p[1] + dy / len * by]
        };
        out[0] = push(pts[0], pts[1]);
        out[n - 1] = push(pts[n - 1], pts[n - 2]);
    }
    out
}

/// The ribbon of half-width `hw` along a polyline, as one quadrilateral per segment, mitred at
/// the inner vertices so that they tile the ribbon (convex where the line turns gently).
fn ribbon(pts: &[Pt], hw: f64) -> Vec<Vec<Pt>> {
    let unit_normal = |a: Pt, b: Pt| {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = dx.hypot(dy).max(f64::EPSILON);
        [-dy / len, dx / len]
    };
    let n = pts.len();
    if n < 2 {
        return Vec::new();
    }
    let offsets: Vec<Pt> = (0..n)
        .map(|i| {
            let o = if i == 0 {
                unit_normal(pts[0], pts[1])
            } else if i == n - 1 {
                unit_normal(pts[n - 2], pts[n - 1])
            } else {
                let (a, b) = (unit_normal(pts[i - 1], pts[i]), unit_normal(pts[i], pts[i + 1]));
                let (mx, my) = (a[0] + b[0], a[1] + b[1]);
                let len = mx.hypot(my).max(f64::EPSILON);
                // The miter: 1/cos of half the turn, capped for sharp turns.
                let cos = ((mx * b[0] + my * b[1]) / len).max(0.5);
                [mx / len / cos, my / len / cos]
            };
            [o[0] * hw, o[1] * hw]
        })
        .collect();
    (0..n - 1)
        .map(|i| {
            let (p, q, o, u) = (pts[i], pts[i + 1], offsets[i], offsets[i + 1]);
            vec![
                [p[0] + o[0], p[1] + o[1]],
                [q[0] + u[0], q[1] + u[1]],
                [q[0] - u[0], q[1] - u[1]],
                [p[0] - o[0], p[1] - o[1]],
            ]
        })
        .collect()
}

/// `subject` clipped to the convex polygon `clip` (Sutherland–Hodgman). Where the result falls
/// apart into pieces they are joined by zero-width edges along `clip`, which fill nothing.
fn clip_convex(subject: &[Pt], clip: &[Pt]) -> Vec<Pt> {
    let twice_area: f64 = (0..clip.len())
        .map(|i| clip[i][0] * clip[(i + 1) % clip.len()][1] - clip[(i + 1) % clip.len()][0] * clip[i][1])
        .sum();
    let sign = twice_area.signum();
    let mut out = subject.to_vec();
    for i in 0..clip.len() {
        let (a, b) = (clip[i], clip[(i + 1) % clip.len()]);
        // Positive inside: on the interior's side of the edge a→b.
        let side = |p: Pt| sign * ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]));
        let input = std::mem::take(&mut out);
        for j in 0..input.len() {
            let (p, q) = (input[j], input[(j + 1) % input.len()]);
            let (sp, sq) = (side(p), side(q));
            if sp >= 0.0 {
                out.push(p);
            }
            if (sp >= 0.0) != (sq >= 0.0) {
                let t = sp / (sp - sq);
                out.push([p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t]);
            }
        }
    }
    out
}

/// Several rings as one path (filled together, so adjacent pieces show no seams).
fn rings(rings: &[Vec<Pt>]) -> Vec<Seg> {
    rings.iter().filter(|r| r.len() >= 3).flat_map(|r| polygon(r)).collect()
}

fn polygon(pts: &[Pt]) -> Vec<Seg> {
    let mut path: Vec<Seg> =
        pts.iter().enumerate().map(|(i, &p)| if i == 0 { Seg::Move(p) } else { Seg::Line(p) }).collect();
    path.push(Seg::Close);
    path
}

fn translate(path: &[Seg], d: Pt) -> Vec<Seg> {
    let t = |p: Pt| [p[0] + d[0], p[1] + d[1]];
    path.iter()
        .map(|s| match *s {
            Seg::Move(p) => Seg::Move(t(p)),
            Seg::Line(p) => Seg::Line(t(p)),
            Seg::Cubic(a, b, p) => Seg::Cubic(t(a), t(b), t(p)),
            Seg::Close => Seg::Close,
        })
        .collect()
}

/// Appends an arc of the circle (`c`, `r`) from angle `a0` through `sweep` (radians; y down, so
/// positive is clockwise on screen) as cubic Béziers of at most 90° each. The current point must
/// be the arc's start.
fn arc(path: &mut Vec<Seg>, c: Pt, r: f64, a0: f64, sweep: f64) {
    let n = (sweep.abs() / std::f64::consts::FRAC_PI_2).ceil().max(1.0);
    let step = sweep / n;
    let k = 4.0 / 3.0 * (step / 4.0).tan();
    let at = |a: f64| [c[0] + r * a.cos(), c[1] + r * a.sin()];
    // `n` is at most 4 for a full turn.
    for i in 0..n as usize {
        let (a, b) = (a0 + step * i as f64, a0 + step * (i + 1) as f64);
        let (p0, p3) = (at(a), at(b));
        let c1 = [p0[0] - k * r * a.sin(), p0[1] + k * r * a.cos()];
        let c2 = [p3[0] + k * r * b.sin(), p3[1] - k * r * b.cos()];
        path.push(Seg::Cubic(c1, c2, p3));
    }
}

fn circle(c: Pt, r: f64) -> Vec<Seg> {
    let mut path = vec![Seg::Move([c[0] + r, c[1]])];
    arc(&mut path, c, r, 0.0, std::f64::consts::TAU);
    path.push(Seg::Close);
    path
}

/// The rounded square as a polygon, each corner flattened into `n` segments (for clipping).
fn rounded_square_ring(x0: f64, x1: f64, r: f64, n: usize) -> Vec<Pt> {
    use std::f64::consts::{FRAC_PI_2, PI};
    let corners = [
        ([x1 - r, x0 + r], -FRAC_PI_2),
        ([x1 - r, x1 - r], 0.0),
        ([x0 + r, x1 - r], FRAC_PI_2),
        ([x0 + r, x0 + r], PI),
    ];
    corners
        .iter()
        .flat_map(|&(c, a0)| {
            (0..=n).map(move |k| {
                let a = a0 + FRAC_PI_2 * k as f64 / n as f64;
                [c[0] + r * a.cos(), c[1] + r * a.sin()]
            })
        })
        .collect()
}

fn rounded_square(x0: f64, x1: f64, r: f64) -> Vec<Seg> {
    use std::f64::consts::{FRAC_PI_2, PI};
    let mut path = vec![Seg::Move([x0 + r, x0])];
    path.push(Seg::Line([x1 - r, x0]));
    arc(&mut path, [x1 - r, x0 + r], r, -FRAC_PI_2, FRAC_PI_2);
    path.push(Seg::Line([x1, x1 - r]));
    arc(&mut path, [x1 - r, x1 - r], r, 0.0, FRAC_PI_2);
    path.push(Seg::Line([x0 + r, x1]));
    arc(&mut path, [x0 + r, x1 - r], r, FRAC_PI_2, FRAC_PI_2);
    path.push(Seg::Line([x0, x0 + r]));
    arc(&mut path, [x0 + r, x0 + r], r, PI, FRAC_PI_2);
    path.push(Seg::Close);
    path
}

/// A map pin with its tip at `tip`: a circle of radius `r` whose centre is `h` above the tip,
/// and the two tangents from the tip to it.
fn pin(tip: Pt, r: f64, h: f64) -> Vec<Seg> {
    let c = [tip[0], tip[1] - h];
    // With y down, the right tangent point is at angle asin(r/h) (just below the horizontal);
    // the arc runs from it over the top to the left one, at π - asin(r/h).
    let start = (r / h).asin();
    let sweep = -(std::f64::consts::PI + 2.0 * start);
    let mut path = vec![Seg::Move(tip), Seg::Line([c[0] + r * start.cos(), c[1] + r * start.sin()])];
    arc(&mut path, c, r, start, sweep);
    path.push(Seg::Close);
    path
}

// ---------------------------------------------------------------------------------------------
// The design.

const BACK_TOP: Rgba = Rgba(0x14, 0x7a, 0x85, 255);
const BACK_BOTTOM: Rgba = Rgba(0x0b, 0x3d, 0x5c, 255);
const LAND_TOP: Rgba = Rgba(0xfa, 0xf7, 0xee, 255);
const LAND_BOTTOM: Rgba = Rgba(0xe9, 0xe4, 0xd2, 255);
const SHADOW: Rgba = Rgba(0x04, 0x20, 0x30, 70);
const RAIL: Rgba = Rgba(0x24, 0x30, 0x3c, 255);
const RAIL_OFF_LAND: Rgba = Rgba(0x04, 0x20, 0x30, 90);
const PIN_RED: Rgba = Rgba(0xe0, 0x3a, 0x32, 255);
const PIN_DARK: Rgba = Rgba(0xb0, 0x22, 0x1d, 255);
const WHITE: Rgba = Rgba(0xff, 0xff, 0xff, 255);

fn land_paint() -> Fill {
    Fill::Linear { from: [0.0, 0.1], to: [0.0, 0.9], stops: vec![(0.0, LAND_TOP), (1.0, LAND_BOTTOM)] }
}

/// The icon drawn for `size` px. The SVG is the design at [`SVG_SIZE`].
fn design(size: u32) -> Res<Design> {
    let tiny = size <= 24;
    let px = 1.0 / f64::from(size);
    // 0 at 16 px, 1 from 128 px up: the small sizes get a bigger pin and thicker lines.
    let t = ((f64::from(size).log2() - 4.0) / 3.0).clamp(0.0, 1.0);
    let lerp = |small: f64, large: f64| small + (large - small) * t;
    // The rounded square, inset by a whole number of pixels (none at the small sizes).
    let inset = f64::from(size / 32) * px;
    let (x0, x1) = (inset, 1.0 - inset);
    let radius = 0.18 * (x1 - x0);
    // At 16 and 24 px a coarser outline that fills more of the square.
    let data = if tiny { map_data(0.075, 0.045)? } else { map_data(0.12, 0.022)? };
    let land = polygon(&data.land);

    let mut ops = vec![Op::Fill {
        path: rounded_square(x0, x1, radius),
        fill: Fill::Linear { from: [0.0, x0], to: [0.0, x1], stops: vec![(0.0, BACK_TOP), (1.0, BACK_BOTTOM)] },
    }];
    // The railway (none at 16 px, where it would only be specks), run on to the square's edges.
    let railway = size > 16;
    let rail_w = (1.5 * px).max(0.03);
    let rail = extend_ends(&data.railway, 1.0);
    if railway {
        // Beyond the district, faint on the background.
        let square = rounded_square_ring(x0, x1, radius, 24);
        let pieces: Vec<Vec<Pt>> = ribbon(&rail, rail_w * 0.375).iter().map(|q| clip_convex(q, &square)).collect();
        ops.push(Op::Fill { path: rings(&pieces), fill: Fill::Solid(RAIL_OFF_LAND) });
    }
    if !tiny {
        // The land's shadow, and a stroke in the land's own paint that rounds the outline's
        // sharpest corners.
        ops.push(Op::Fill { path: translate(&land, [0.0, 0.018]), fill: Fill::Solid(SHADOW) });
        ops.push(Op::Stroke { path: land.clone(), paint: land_paint(), width: 0.014, round_caps: false });
    }
    ops.push(Op::Fill { path: land, fill: land_paint() });
    if railway {
        // On the land: a dark line.
        let pieces: Vec<Vec<Pt>> = ribbon(&rail, rail_w / 2.0).iter().map(|q| clip_convex(&data.land, q)).collect();
        ops.push(Op::Fill { path: rings(&pieces), fill: Fill::Solid(RAIL) });
    }
    // The pin on the district's centroid: a halo in the land colour, the red body, a white dot.
    let r = lerp(0.15, 0.088);
    let h = r * lerp(2.1, 2.35);
    let tip = data.pin;
    let centre = [tip[0], tip[1] - h];
    let body = pin(tip, r, h);
    ops.push(Op::Stroke {
        path: body.clone(),
        paint: Fill::Solid(LAND_TOP),
        width: (2.0 * px).max(0.026),
        round_caps: true,
    });
    ops.push(Op::Fill {
        path: body,
        fill: Fill::Linear {
            from: [0.0, centre[1] - r],
            to: [0.0, tip[1]],
            stops: vec![(0.0, PIN_RED), (1.0, PIN_DARK)],
        },
    });
    ops.push(Op::Fill { path: circle(centre, r * lerp(0.42, 0.4)), fill: Fill::Solid(WHITE) });
    Ok(Design { ops, outline_vertices: data.land.len() })
}

// ---------------------------------------------------------------------------------------------
// Rendering with tiny-skia.

fn skia_path(path: &[Seg], size: f64) -> Res<tiny_skia::Path> {
    let s = |p: Pt| ((p[0] * size) as f32, (p[1] * size) as f32);
    let mut pb = PathBuilder::new();
    for seg in path {
        match *seg {
            Seg::Move(p) => {
                let (x, y) = s(p);
                pb.move_to(x, y);
            }
            Seg::Line(p) => {
                let (x, y) = s(p);
                pb.line_to(x, y);
            }
            Seg::Cubic(a, b, p) => {
                let ((ax, ay), (bx, by), (x, y)) = (s(a), s(b), s(p));
                pb.cubic_to(ax, ay, bx, by, x, y);
            }
            Seg::Close => pb.close(),
        }
    }
    pb.finish().ok_or_else(|| "empty path".into())
}

fn skia_color(c: Rgba) -> tiny_skia::Color {
    tiny_skia::Color::from_rgba8(c.0, c.1, c.2, c.3)
}

fn skia_paint(fill: &Fill, size: f64) -> Res<Paint<'static>> {
    let shader = match fill {
        Fill::Solid(c) => tiny_skia::Shader::SolidColor(skia_color(*c)),
        Fill::Linear { from, to, stops } => LinearGradient::new(
            Point::from_xy((from[0] * size) as f32, (from[1] * size) as f32),
            Point::from_xy((to[0] * size) as f32, (to[1] * size) as f32),
            stops.iter().map(|&(o, c)| GradientStop::new(o, skia_color(c))).collect(),
            SpreadMode::Pad,
            Transform::identity(),
        )
        .ok_or("bad gradient")?,
    };
    Ok(Paint { shader, anti_alias: true, ..Paint::default() })
}

/// Renders the design at `size` px (anti-aliased) as straight, not premultiplied, RGBA.
fn render(d: &Design, size: u32) -> Res<Vec<u8>> {
    let sz = f64::from(size);
    let mut pixmap = Pixmap::new(size, size).ok_or("bad icon size")?;
    let id = Transform::identity();
    for op in &d.ops {
        match op {
            Op::Fill { path, fill } => {
                pixmap.fill_path(&skia_path(path, sz)?, &skia_paint(fill, sz)?, FillRule::Winding, id, None);
            }
            Op::Stroke { path, paint, width, round_caps } => {
                let stroke = Stroke {
                    width: (width * sz) as f32,
                    line_cap: if *round_caps { LineCap::Round } else { LineCap::Butt },
                    line_join: LineJoin::Round,
                    ..Stroke::default()
                };
                pixmap.stroke_path(&skia_path(path, sz)?, &skia_paint(paint, sz)?, &stroke, id, None);
            }
        }
    }
    Ok(pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Writing the SVG.

/// A number in SVG user units, at most two decimals, without trailing zeros.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

fn svg_d(path: &[Seg], size: f64) -> String {
    let n = |v: f64| num(v * size);
    let parts: Vec<String> = path
        .iter()
        .map(|seg| match *seg {
            Seg::Move(p) => format!("M{} {}", n(p[0]), n(p[1])),
            Seg::Line(p) => format!("L{} {}", n(p[0]), n(p[1])),
            Seg::Cubic(a, b, p) => {
                format!("C{} {} {} {} {} {}", n(a[0]), n(a[1]), n(b[0]), n(b[1]), n(p[0]), n(p[1]))
            }
            Seg::Close => "Z".to_owned(),
        })
        .collect();
    parts.concat()
}

fn svg_color(c: Rgba) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn svg_opacity(c: Rgba, attr: &str) -> String {
    if c.3 == 255 { String::new() } else { format!(" {attr}=\"{}\"", num(f64::from(c.3) / 255.0)) }
}

/// The paint `fill` as the attribute `attr` (`fill` or `stroke`), adding a gradient to `defs` if
/// it needs one.
fn svg_paint(fill: &Fill, attr: &str, size: f64, defs: &mut String, gradients: &mut usize) -> Res<String> {
    Ok(match fill {
        Fill::Solid(c) => format!("{attr}=\"{}\"{}", svg_color(*c), svg_opacity(*c, &format!("{attr}-opacity"))),
        Fill::Linear { from, to, stops } => {
            let id = format!("g{gradients}");
            *gradients += 1;
            write!(
                defs,
                "    <linearGradient id=\"{id}\" gradientUnits=\"userSpaceOnUse\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\">",
                num(from[0] * size),
                num(from[1] * size),
                num(to[0] * size),
                num(to[1] * size)
            )?;
            for &(o, c) in stops {
                write!(
                    defs,
                    "<stop offset=\"{o}\" stop-color=\"{}\"{}/>",
                    svg_color(c),
                    svg_opacity(c, "stop-opacity")
                )?;
            }
            writeln!(defs, "</linearGradient>")?;
            format!("{attr}=\"url(#{id})\"")
        }
    })
}

/// The design at [`SVG_SIZE`] as an SVG document (viewBox 0 0 512 512).
fn to_svg() -> Res<String> {
    let d = design(SVG_SIZE)?;
    let sz = f64::from(SVG_SIZE);
    let (mut defs, mut body, mut gradients) = (String::new(), String::new(), 0);
    for op in &d.ops {
        match op {
            Op::Fill { path, fill } => {
                let paint = svg_paint(fill, "fill", sz, &mut defs, &mut gradients)?;
                writeln!(body, "  <path {paint} d=\"{}\"/>", svg_d(path, sz))?;
            }
            Op::Stroke { path, paint, width, round_caps } => {
                let paint = svg_paint(paint, "stroke", sz, &mut defs, &mut gradients)?;
                let cap = if *round_caps { "round" } else { "butt" };
                writeln!(
                    body,
                    "  <path fill=\"none\" {paint} stroke-width=\"{}\" stroke-linecap=\"{cap}\" stroke-linejoin=\"round\" d=\"{}\"/>",
                    num(width * sz),
                    svg_d(path, sz)
                )?;
            }
        }
    }
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!-- Kuiwen Atlas (奎文规划一张图) app icon, written by examples/make_icons.rs. District outline:\n     \
         OpenStreetMap via geoBoundaries, © OpenStreetMap contributors, geoBoundaries (ODbL 1.0). -->\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SVG_SIZE}\" height=\"{SVG_SIZE}\" viewBox=\"0 0 {SVG_SIZE} {SVG_SIZE}\">\n  \
         <defs>\n{defs}  </defs>\n{body}</svg>\n"
    ))
}

// ---------------------------------------------------------------------------------------------

fn main() -> Res<()> {
    let out = std::env::args().nth(1).unwrap_or_else(|| "assets/icons".to_owned());
    let out = FsPath::new(&out);
    for size in PNG_SIZES {
        let d = design(size)?;
        let rgba = render(&d, size)?;
        let dir = out.join("hicolor").join(format!("{size}x{size}")).join("apps");
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("kuiwen-atlas.png");
        image::save_buffer(&file, &rgba, size, size, image::ExtendedColorType::Rgba8)?;
        println!("{} (outline: {} vertices)", file.display(), d.outline_vertices);
    }
    let mut frames = Vec::new();
    for size in ICO_SIZES {
        let rgba = render(&design(size)?, size)?;
        frames.push(image::codecs::ico::IcoFrame::as_png(&rgba, size, size, image::ExtendedColorType::Rgba8)?);
    }
    let ico = out.join("kuiwen-atlas.ico");
    let w = std::io::BufWriter::new(std::fs::File::create(&ico)?);
    image::codecs::ico::IcoEncoder::new(w).encode_images(&frames)?;
    println!("{}", ico.display());
    let svg = out.join("kuiwen-atlas.svg");
    std::fs::write(&svg, to_svg()?)?;
    println!("{}", svg.display());
    Ok(())
}
