//! The fast path for large, clean FeatureCollections: features are parsed in parallel straight
//! into the app's geometry, with no intermediate JSON tree.
//!
//! The general loader in [`super::geojson`] builds a `serde_json::Value` of the whole file and
//! walks it, which costs about 17 bytes of memory per byte of file and names every problem
//! precisely. Most large files have no problems, so this path tries first. The moment anything
//! is unusual (a legacy `crs` member, a byte-order mark, an invalid feature, a coordinate out of
//! range), it gives up and the general loader reads the file, so messages stay exactly as precise.

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_json::value::RawValue;

use super::crs::Crs;
use super::geojson::{LoadOptions, Parsed};
use super::scan::feature_offsets_and_array;
use crate::model::{Feature, Properties};

/// Files smaller than this take the general path (it is fast enough, and its diagnostics richer).
pub const FAST_PATH_MIN_BYTES: usize = 1 << 20;

#[derive(Deserialize)]
struct Top {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    name: Option<Value>,
    #[serde(default)]
    crs: Option<IgnoredAny>,
    #[serde(default)]
    features: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct RawFeature<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<Properties>,
    /// `None` when the member is missing, `Some(None)` for `null`.
    #[serde(borrow, default, deserialize_with = "present")]
    geometry: Option<Option<RawGeometry<'a>>>,
}

/// Tells a missing member (→ `None` by `default`) from an explicit `null` (→ `Some(None)`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct RawGeometry<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    #[serde(borrow)]
    coordinates: &'a RawValue,
}

/// Parse a clean FeatureCollection quickly, or `None` to let the general loader do it.
pub fn try_parse(bytes: &[u8], options: LoadOptions) -> Option<Parsed> {
    if bytes.len() < FAST_PATH_MIN_BYTES || bytes.starts_with(b"\xEF\xBB\xBF") {
        return None;
    }
    let crs = options.declared_crs.unwrap_or(Crs::Wgs84);
    if crs.is_projected() {
        return None;
    }
    // The collection's own members, read from the text around the features array (spliced out),
    // so the big array is scanned once, not twice.
    let (offsets, array) = feature_offsets_and_array(bytes);
    let (open, close) = array?;
    let mut head = Vec::with_capacity(open + 2 + bytes.len() - close);
    head.extend_from_slice(&bytes[..open]);
    head.extend_from_slice(b"[]");
    head.extend_from_slice(&bytes[close + 1..]);
    let top: Top = serde_json::from_slice(&head).ok()?;
    if top.ty != "FeatureCollection" || top.crs.is_some() || top.features.is_none() {
        return None;
    }
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    let chunk = offsets.len().div_ceil(threads).max(1);
    // Each thread writes its features straight into its part of the final vector: gathering
    // per-thread vectors and concatenating them briefly held every feature twice.
    let mut features: Vec<Feature> = (0..offsets.len()).map(|_| Feature::new(None, None, Properties::new())).collect();
    let ends: Vec<Option<Vec<usize>>> = std::thread::scope(|s| {
        let handles: Vec<_> = offsets
            .chunks(chunk)
            .zip(features.chunks_mut(chunk))
            .map(|(starts, out)| {
                s.spawn(move || {
                    starts
                        .iter()
                        .zip(out.iter_mut())
                        .map(|(&o, slot)| {
                            let (f, len) = parse_feature(&bytes[o..], crs)?;
                            *slot = f;
                            Some(o + len)
                        })
                        .collect::<Option<Vec<_>>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    // The scanner only finds where elements start; the array must also be JSON between them:
    // exactly one comma between features, none before the first or after the last. (Without this
    // check a missing comma silently dropped a feature and a trailing comma was accepted: found by
    // fuzzing, fuzz/fuzz_targets/geojson.rs.)
    let mut prev_end = open + 1;
    for (i, end) in ends.into_iter().collect::<Option<Vec<_>>>()?.into_iter().flatten().enumerate() {
        let start = *offsets.get(i)?;
        let gap = bytes.get(prev_end..start)?.trim_ascii();
        if gap != if i == 0 { &b""[..] } else { &b","[..] } {
            return None;
        }
        prev_end = end;
    }
    if !bytes.get(prev_end..close)?.trim_ascii().is_empty() {
        return None;
    }
    let name = match top.name {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    Some(Parsed { features, errors: Vec::new(), warnings: Vec::new(), crs, name, source: Default::default() })
}

/// Text read per step when streaming a file: big enough to keep both cores busy, small next to
/// the features it turns into.
const STREAM_BLOCK_BYTES: usize = 4 << 20;

/// What the streaming fast path made of a file.
pub enum Streamed {
    /// The file was clean: here it is.
    Parsed(Parsed),
    /// Something was unusual: read it again with the general loader.
    Fallback,
    /// `cancel` was set.
    Cancelled,
}

/// The text of consecutive elements of the features array, cut just before the next element
/// (or at the array's `]`), so each batch can be checked on its own.
struct Batch {
    /// The stream from `base` to the cut.
    text: Vec<u8>,
    base: usize,
    /// Where its elements start, from the stream start.
    starts: Vec<usize>,
    /// The last batch (no comma after its last element).
    last: bool,
}

/// What the reading thread found besides the batches.
struct Frame {
    /// The text before the features array.
    head: Vec<u8>,
    /// The text after it.
    tail: Vec<u8>,
}

/// Parse one batch on all cores, appending its features in order. `None` if anything is off,
/// including anything but exactly one comma between elements.
fn parse_batch(batch: &Batch, crs: Crs, features: &mut Vec<Feature>) -> Option<()> {
    let Batch { text, base, starts, last } = batch;
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    let chunk = starts.len().div_ceil(threads).max(1);
    // Parsed straight into their places in the final vector: no per-batch vectors to free, which
    // left the heap fragmented (40 MiB more resident over a city file).
    let old_len = features.len();
    features.resize_with(old_len + starts.len(), || Feature::new(None, None, Properties::new()));
    let slots = features.get_mut(old_len..)?;
    let ends: Vec<Option<Vec<usize>>> = std::thread::scope(|s| {
        let handles: Vec<_> = starts
            .chunks(chunk)
            .zip(slots.chunks_mut(chunk))
            .map(|(part, out)| {
                s.spawn(move || {
                    part.iter()
                        .zip(out.iter_mut())
                        .map(|(&o, slot)| {
                            let (f, len) = parse_feature(text.get(o.checked_sub(*base)?..)?, crs)?;
                            *slot = f;
                            Some(o + len)
                        })
                        .collect::<Option<Vec<_>>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    let mut prev_end = *base;
    for (k, (start, end)) in
        starts.iter().zip(ends.into_iter().collect::<Option<Vec<_>>>()?.into_iter().flatten()).enumerate()
    {
        let gap = text.get(prev_end.checked_sub(*base)?..start.checked_sub(*base)?)?.trim_ascii();
        // Batches are cut at element starts, so only the first batch has text (blanks) before its
        // first element; the comma before a batch's first element ends the batch before.
        if gap != if k == 0 { &b""[..] } else { &b","[..] } {
            return None;
        }
        prev_end = end;
    }
    let trailing = text.get(prev_end.checked_sub(*base)?..)?.trim_ascii();
    (trailing == if *last || starts.is_empty() { &b""[..] } else { &b","[..] }).then_some(())
}

/// The fast path over a reader, holding only a few blocks of text at a time: one thread reads
/// and scans while the others parse the features already complete, and their text is dropped.
/// For a city file this halves the peak memory, which the whole text in memory dominated.
/// `bytes_read` follows the reading; `size` is the file's size (for the threshold and to reserve
/// room).
pub fn try_parse_reader(
    reader: impl std::io::Read + Send,
    size: u64,
    options: LoadOptions,
    bytes_read: &std::sync::atomic::AtomicU64,
    cancel: &std::sync::atomic::AtomicBool,
) -> std::io::Result<Streamed> {
    use std::sync::atomic::Ordering;
    let crs = options.declared_crs.unwrap_or(Crs::Wgs84);
    if (size as usize) < FAST_PATH_MIN_BYTES || crs.is_projected() {
        return Ok(Streamed::Fallback);
    }
    let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(1);
    // Parsed batches' buffers go back to the reader: the same few buffers all along, rather than
    // megabytes allocated and freed per batch among the features' small allocations.
    let (give_back, take_back) = std::sync::mpsc::channel::<Vec<u8>>();
    let mut features: Vec<Feature> = Vec::new();
    let mut ok = true;
    let framed = std::thread::scope(|s| {
        let reading = s.spawn(move || read_batches(reader, bytes_read, cancel, &send, &take_back));
        let mut parsed_bytes = 0usize;
        for batch in receive.iter() {
            if parse_batch(&batch, crs, &mut features).is_none() {
                ok = false;
                // Dropping the receiver stops the reader at its next batch.
                break;
            }
            parsed_bytes += batch.text.len();
            let _ = give_back.send(batch.text);
            if features.capacity() == features.len() && parsed_bytes > 0 && parsed_bytes < size as usize {
                // Room for the rest at the density seen so far: no doubling copies of the vector.
                let per_byte = features.len() as f64 / parsed_bytes as f64;
                features.reserve(((size as usize - parsed_bytes) as f64 * per_byte * 1.05) as usize);
            }
        }
        drop(receive);
        reading.join().unwrap_or(Ok(None))
    })?;
    if cancel.load(Ordering::Relaxed) {
        return Ok(Streamed::Cancelled);
    }
    let (true, Some(Frame { head, tail })) = (ok, framed) else { return Ok(Streamed::Fallback) };
    let mut whole = head;
    whole.extend_from_slice(b"[]");
    whole.extend_from_slice(&tail);
    let Some(top) = serde_json::from_slice::<Top>(&whole).ok() else { return Ok(Streamed::Fallback) };
    if top.ty != "FeatureCollection" || top.crs.is_some() || top.features.is_none() {
        return Ok(Streamed::Fallback);
    }
    features.shrink_to_fit();
    let name = match top.name {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    Ok(Streamed::Parsed(Parsed {
        features,
        errors: Vec::new(),
        warnings: Vec::new(),
        crs,
        name,
        source: Default::default(),
    }))
}

/// Read, scan and hand out batches of complete elements; the text around the array at the end.
/// `None` when the text is not a plain FeatureCollection, when cancelled, or when the parser
/// stopped listening.
fn read_batches(
    mut reader: impl std::io::Read,
    bytes_read: &std::sync::atomic::AtomicU64,
    cancel: &std::sync::atomic::AtomicBool,
    send: &std::sync::mpsc::SyncSender<Batch>,
    recycled: &std::sync::mpsc::Receiver<Vec<u8>>,
) -> std::io::Result<Option<Frame>> {
    use std::sync::atomic::Ordering;
    let mut scanner = super::scan::StreamScanner::default();
    // The stream from offset `base` on: the elements not yet handed out, or everything until the
    // array opens.
    let mut buf: Vec<u8> = Vec::new();
    let mut base = 0usize;
    let mut head: Option<Vec<u8>> = None;
    let mut starts: Vec<usize> = Vec::new();
    let mut block = vec![0u8; STREAM_BLOCK_BYTES];
    let mut total = 0usize;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let n = match reader.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let Some(data) = block.get(..n) else { return Ok(None) };
        if total == 0 && data.starts_with(b"\xEF\xBB\xBF") {
            return Ok(None);
        }
        total += n;
        bytes_read.store(total as u64, Ordering::Relaxed);
        let fresh = buf.len();
        buf.extend_from_slice(data);
        if scanner.close.is_some() {
            continue;
        }
        scanner.feed(&buf[fresh..], &mut starts);
        let Some(open) = scanner.open else { continue };
        if head.is_none() {
            let Some(text) = buf.get(..open + 1 - base) else { return Ok(None) };
            head = Some(text[..text.len() - 1].to_vec());
            buf.drain(..open + 1 - base);
            base = open + 1;
        }
        // An element is complete once the next one has started or the array has closed.
        let (cut, complete) = match scanner.close {
            Some(close) => (close, starts.len()),
            None if starts.len() >= 2 => (starts[starts.len() - 1], starts.len() - 1),
            None => continue,
        };
        let mut rest = recycled.try_recv().unwrap_or_default();
        rest.clear();
        rest.extend_from_slice(buf.get(cut - base..).unwrap_or_default());
        buf.truncate(cut - base);
        let batch = Batch {
            text: std::mem::replace(&mut buf, rest),
            base,
            starts: starts.drain(..complete).collect(),
            last: scanner.close.is_some(),
        };
        base = cut;
        if send.send(batch).is_err() {
            return Ok(None);
        }
    }
    let (Some(head), Some(close)) = (head, scanner.close) else { return Ok(None) };
    // What follows the `]`: the collection's other members.
    let tail = buf.get(close + 1 - base..).map(<[u8]>::to_vec).unwrap_or_default();
    Ok(Some(Frame { head, tail }))
}

/// One feature from the text starting at its `{`, and the length of its text; `None` if anything
/// is off.
fn parse_feature(text: &[u8], crs: Crs) -> Option<(Feature, usize)> {
    let mut stream = serde_json::Deserializer::from_slice(text).into_iter::<RawFeature>();
    let raw = stream.next()?.ok()?;
    let len = stream.byte_offset();
    if raw.ty != "Feature" {
        return None;
    }
    let id = match raw.id {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return None,
    };
    let geometry = match raw.geometry {
        None => return None,
        Some(None) => None,
        Some(Some(rg)) => Some(geometry(rg.ty, rg.coordinates.get().as_bytes(), crs)?),
    };
    Some((Feature::new(id, geometry, raw.properties.unwrap_or_default()), len))
}

/// Nested coordinate arrays, parsed by hand: numbers land straight in positions.
struct Coords<'a> {
    s: &'a [u8],
    i: usize,
    crs: Crs,
}

impl Coords<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn number(&mut self) -> Option<f64> {
        self.ws();
        if let Some((x, end)) = simple_decimal(self.s, self.i) {
            self.i = end;
            return Some(x);
        }
        let start = self.i;
        while self.i < self.s.len() && matches!(self.s[self.i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            self.i += 1;
        }
        let x: f64 = std::str::from_utf8(&self.s[start..self.i]).ok()?.parse().ok()?;
        x.is_finite().then_some(x)
    }

    /// `[x, y(, z…)]` → a WGS84 coordinate, only if it is plainly valid degrees.
    fn position(&mut self) -> Option<Coord<f64>> {
        self.eat(b'[')?;
        let x = self.number()?;
        self.eat(b',')?;
        let y = self.number()?;
        // A third number (height) would deserve a warning: leave such files to the general path.
        self.eat(b']')?;
        if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
            return None;
        }
        let (lon, lat) = self.crs.to_wgs84(x, y);
        Some(Coord { x: lon, y: lat })
    }

    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(out);
        }
        loop {
            out.push(item(self)?);
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    // Growth by doubling leaves a five-point ring in room for eight: give it back,
                    // it is a quarter of a building's memory.
                    out.shrink_to_fit();
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    fn line(&mut self) -> Option<LineString<f64>> {
        let pts = self.list(Self::position)?;
        (pts.len() >= 2).then_some(LineString(pts))
    }

    fn polygon(&mut self) -> Option<Polygon<f64>> {
        let mut rings = self.list(|c| {
            let r = c.list(Self::position)?;
            if r.len() >= 4 && r.first() == r.last() { Some(LineString(r)) } else { None }
        })?;
        if rings.is_empty() {
            return None;
        }
        // Holes in a vector of their own only when there are any: an empty but allocated one per
        // building costs 6 MiB over a city.
        let interiors = if rings.len() > 1 { rings.split_off(1) } else { Vec::new() };
        let exterior = rings.pop()?;
        Some(Polygon::new(exterior, interiors))
    }
}

/// Powers of ten exactly representable as f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// A plain decimal (`-119.123456`: at most 15 digits, no exponent) at `at`, and where it ends.
/// Digits and power of ten are then both exact, so one division gives the correctly rounded
/// value, the same as `str::parse` (Clinger's fast path), at a fraction of its cost: coordinates
/// are most of a GeoJSON file. Anything else returns `None` for the general parse.
fn simple_decimal(s: &[u8], at: usize) -> Option<(f64, usize)> {
    let mut i = at;
    let negative = s.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    let (mut mantissa, mut digits, mut fraction) = (0u64, 0u32, 0usize);
    let int_start = i;
    while let Some(&c) = s.get(i)
        && c.is_ascii_digit()
    {
        mantissa = mantissa * 10 + (c - b'0') as u64;
        digits += 1;
        i += 1;
        if digits > 15 {
            return None;
        }
    }
    if i == int_start {
        return None;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while let Some(&c) = s.get(i)
            && c.is_ascii_digit()
        {
            mantissa = mantissa * 10 + (c - b'0') as u64;
            digits += 1;
            i += 1;
            if digits > 15 {
                return None;
            }
        }
        fraction = i - frac_start;
        if fraction == 0 {
            return None;
        }
    }
    if matches!(s.get(i), Some(b'e' | b'E' | b'+' | b'-' | b'.')) {
        return None;
    }
    let x = mantissa as f64 / *POW10.get(fraction)?;
    Some((if negative { -x } else { x }, i))
}

fn geometry(ty: &str, coords: &[u8], crs: Crs) -> Option<Geometry<f64>> {
    let mut c = Coords { s: coords, i: 0, crs };
    let g = match ty {
        "Point" => Geometry::Point(Point(c.position()?)),
        "MultiPoint" => Geometry::MultiPoint(MultiPoint(c.list(|c| c.position().map(Point))?)),
        "LineString" => Geometry::LineString(c.line()?),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(c.list(Coords::line)?)),
        "Polygon" => Geometry::Polygon(c.polygon()?),
        "MultiPolygon" => Geometry::MultiPolygon(MultiPolygon(c.list(Coords::polygon)?)),
        _ => return None,
    };
    c.ws();
    (c.i == c.s.len()).then_some(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::geojson::parse_bytes;

    /// A file big enough for the fast path, with every geometry type.
    fn big_file(extra: &str) -> String {
        let mut s = String::from("{\"type\":\"FeatureCollection\",\"name\":\"大文件\",\"features\":[\n");
        let kinds = [
            r#"{"type":"Point","coordinates":[119.1,36.7]}"#,
            r#"{"type":"MultiPoint","coordinates":[[119.1,36.7],[119.2,36.7]]}"#,
            r#"{"type":"LineString","coordinates":[[119.1,36.7],[119.2,36.7]]}"#,
            r#"{"type":"MultiLineString","coordinates":[[[119.1,36.7],[119.2,36.7]]]}"#,
            r#"{"type":"Polygon","coordinates":[[[119.1,36.7],[119.2,36.7],[119.2,36.8],[119.1,36.7]],[[119.15,36.72],[119.16,36.72],[119.16,36.73],[119.15,36.72]]]}"#,
            r#"{"type":"MultiPolygon","coordinates":[[[[119.1,36.7],[119.2,36.7],[119.2,36.8],[119.1,36.7]]]]}"#,
            "null",
        ];
        let mut i = 0;
        while s.len() < FAST_PATH_MIN_BYTES + 1000 {
            s.push_str(&format!("{{\"type\":\"Feature\",\"id\":{i},\"properties\":{{\"name\":\"要素{i}\",\"n\":{i}}},\"geometry\":{}}},\n", kinds[i % kinds.len()]));
            i += 1;
        }
        s.push_str(extra);
        s.push_str("{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}]}");
        s
    }

    #[test]
    fn fast_path_agrees_with_the_general_loader() {
        let text = big_file("");
        let fast = try_parse(text.as_bytes(), LoadOptions::default())
            .unwrap_or_else(|| panic!("fast path refused a clean file"));
        // The general loader on the same file (forced by a leading space: still valid JSON, but
        // the fast path is skipped for files that do not start as expected? No: force it by
        // calling the general walker through a BOM, which the fast path never takes).
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        let general = parse_bytes(&with_bom, LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fast.features.len(), general.features.len());
        for (a, b) in fast.features.iter().zip(&general.features) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.properties, b.properties);
            assert_eq!(a.geometry, b.geometry);
        }
        assert_eq!(fast.name.as_deref(), Some("大文件"));
    }

    /// A reader that hands out at most `step` bytes per read, so features straddle the blocks.
    struct Trickle<'a> {
        text: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(out.len()).min(self.text.len());
            out[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    fn stream(text: &[u8], step: usize) -> Option<Parsed> {
        let (read, cancel) = (std::sync::atomic::AtomicU64::new(0), std::sync::atomic::AtomicBool::new(false));
        let reader = Trickle { text, step };
        match try_parse_reader(reader, text.len() as u64, LoadOptions::default(), &read, &cancel) {
            Ok(Streamed::Parsed(p)) => {
                assert_eq!(read.load(std::sync::atomic::Ordering::Relaxed), text.len() as u64);
                Some(p)
            }
            Ok(Streamed::Fallback) => None,
            Ok(Streamed::Cancelled) | Err(_) => panic!("cancelled or failed"),
        }
    }

    #[test]
    fn streaming_agrees_with_the_in_memory_fast_path_whatever_the_reads() {
        let text = big_file("");
        let whole = try_parse(text.as_bytes(), LoadOptions::default()).unwrap_or_else(|| panic!("refused"));
        for step in [997, 65_536, STREAM_BLOCK_BYTES] {
            let streamed = stream(text.as_bytes(), step).unwrap_or_else(|| panic!("stream refused at {step}"));
            assert_eq!(streamed.features.len(), whole.features.len());
            assert_eq!(streamed.name, whole.name);
            for (a, b) in streamed.features.iter().zip(&whole.features) {
                assert_eq!((&a.id, &a.properties, &a.geometry), (&b.id, &b.properties, &b.geometry));
            }
        }
        // What the in-memory path refuses, the stream refuses too.
        for bad in [
            text.replacen("null}]}", "null},]}", 1),
            text.replacen("},\n{", "}\n{", 1),
            text.replacen("\"features\":[\n", "\"crs\":{\"type\":\"name\"},\"features\":[\n", 1),
            format!("\u{feff}{text}"),
            text.replacen("]}", "]", 1),
        ] {
            assert_ne!(bad, text);
            assert!(stream(bad.as_bytes(), 4093).is_none(), "accepted {}", &bad[bad.len() - 40..]);
        }
        let cancel = std::sync::atomic::AtomicBool::new(true);
        let read = std::sync::atomic::AtomicU64::new(0);
        let r = try_parse_reader(text.as_bytes(), text.len() as u64, LoadOptions::default(), &read, &cancel);
        assert!(matches!(r, Ok(Streamed::Cancelled)));
    }

    #[test]
    fn simple_decimals_parse_exactly_like_the_standard_library() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut texts: Vec<String> =
            ["0", "-0", "7", "119.1", "36.700000", "-0.5", "123456789012345", "0.00000000000001"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let decimals = (seed % 9) as usize;
            let x = (seed >> 11) as f64 / (1u64 << 53) as f64 * 360.0 - 180.0;
            texts.push(format!("{x:.decimals$}"));
        }
        for t in &texts {
            let expected: f64 = t.parse().unwrap_or(f64::NAN);
            let (x, end) = simple_decimal(t.as_bytes(), 0).unwrap_or_else(|| panic!("{t} refused"));
            assert_eq!((x.to_bits(), end), (expected.to_bits(), t.len()), "{t}");
        }
        for t in ["1e5", "1.5E-3", "-", ".5", "1.", "1234567890123456", "12.34567890123456", "+1", "1.2.3"] {
            assert!(simple_decimal(t.as_bytes(), 0).is_none(), "{t} taken by the fast path");
        }
        // Followed by JSON punctuation, it stops there.
        assert_eq!(simple_decimal(b"[119.25,36.5]", 1), Some((119.25, 7)));
    }

    #[test]
    fn anything_unusual_falls_back() {
        for extra in [
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[119.1,95.0]}},\n",
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[119.1,36.7,5]}},\n",
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[119.1,36.7],[119.2,36.7],[119.2,36.8],[119.1,36.8]]]}},\n",
            "{\"type\":\"Feature\",\"properties\":[],\"geometry\":null},\n",
            "{\"type\":\"Feature\",\"properties\":{}},\n",
            "{\"type\":\"feature\",\"properties\":{},\"geometry\":null},\n",
            // Not JSON between features: a missing comma, stray text, a doubled comma.
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}\n",
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null} stray,\n",
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null},,\n",
        ] {
            let text = big_file(extra);
            assert!(try_parse(text.as_bytes(), LoadOptions::default()).is_none(), "accepted {extra}");
        }
        assert!(
            try_parse(b"{\"type\":\"FeatureCollection\",\"features\":[]}", LoadOptions::default()).is_none(),
            "small files take the general path"
        );
        let text = big_file("");
        for bad in [text.replacen("null}]}", "null},]}", 1), text.replacen("\"features\":[\n", "\"features\":[,\n", 1)]
        {
            assert_ne!(bad, text);
            assert!(try_parse(bad.as_bytes(), LoadOptions::default()).is_none(), "accepted a stray comma");
        }
    }
}
