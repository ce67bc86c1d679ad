//! PMTiles v3 archives of raster tiles: a small, careful reader (header, varint directories,
//! leaf directories, gzip) and a writer built on the `pmtiles` crate's.
//!
//! Why our own reader: walkers' `PmTiles` source fixes the maximum zoom at 15, credits every
//! file as "PMTiles" and reports failures only to the log; the `pmtiles` crate's async reader
//! can panic or allocate without bound on a damaged file. This one checks every offset and
//! length against the file, so a damaged or foreign file is an error message, never a crash.
//! See <https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md>.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use kuiwen_core::Bilingual;
use kuiwen_core::i18n::io_error_zh;
use walkers::TileId;

/// The fixed header size.
const HEADER_LEN: usize = 127;
/// Directories larger than this (decompressed) are refused as damaged.
const MAX_DIRECTORY_BYTES: u64 = 64 << 20;
/// Tiles larger than this are refused as damaged.
const MAX_TILE_BYTES: u64 = 32 << 20;
/// Metadata larger than this is ignored.
const MAX_METADATA_BYTES: u64 = 4 << 20;

/// Why a PMTiles archive cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PmTilesError {
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file does not start with the PMTiles magic.
    #[error("{0}: not a PMTiles file")]
    NotPmTiles(PathBuf),
    /// A PMTiles version other than 3.
    #[error("{path}: PMTiles version {version} is not supported (only version 3)")]
    Version {
        /// The file.
        path: PathBuf,
        /// Its version.
        version: u8,
    },
    /// Offsets or lengths that do not fit the file.
    #[error("{path}: damaged PMTiles file ({what})")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: &'static str,
    },
    /// A compression we cannot read (brotli, zstd).
    #[error("{path}: compression {code} is not supported (only none and gzip)")]
    Compression {
        /// The file.
        path: PathBuf,
        /// The header's compression code.
        code: u8,
    },
    /// Vector tiles or image formats we cannot draw.
    #[error("{path}: {kind} tiles are not supported: use a raster (PNG or JPEG) PMTiles file")]
    TileType {
        /// The file.
        path: PathBuf,
        /// "vector (MVT)", "WebP", "AVIF".
        kind: &'static str,
    },
    /// The `pmtiles` writer failed.
    #[error("cannot write {path}: {why}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        why: String,
    },
}

impl Bilingual for PmTilesError {
    fn zh(&self) -> String {
        match self {
            PmTilesError::Io { path, source } => {
                format!("读写 PMTiles 文件 {} 失败：{}", path.display(), io_error_zh(source))
            }
            PmTilesError::NotPmTiles(path) => format!("{} 不是 PMTiles 文件", path.display()),
            PmTilesError::Version { path, version } => {
                format!("{}：不支持 PMTiles 第 {version} 版（仅支持第 3 版）", path.display())
            }
            PmTilesError::Corrupt { path, what } => {
                format!("{}：PMTiles 文件已损坏（{}）", path.display(), damage_zh(what))
            }
            PmTilesError::Compression { path, code } => {
                format!("{}：不支持压缩方式 {code}（仅支持不压缩和 gzip）", path.display())
            }
            PmTilesError::TileType { path, kind } => {
                let kind = match *kind {
                    "vector (MVT)" => "矢量瓦片（MVT）".to_owned(),
                    other => format!(" {other} 瓦片"),
                };
                format!("{}：不支持{kind}，请使用栅格（PNG 或 JPEG）PMTiles 文件", path.display())
            }
            PmTilesError::Write { path, why } => format!("无法写入 {}：{why}", path.display()),
        }
    }
}

/// What is damaged, in Chinese (the English texts [`PmTilesArchive`] reports as
/// [`PmTilesError::Corrupt`]).
fn damage_zh(what: &str) -> &str {
    match what {
        "offset overflow" => "偏移量溢出",
        "a section lies outside the file" => "部分数据超出文件末尾，文件可能不完整",
        "file handle poisoned" => "文件读取中断",
        "bad gzip data" => "gzip 压缩数据有误",
        "a section is too large" => "某部分数据过大",
        "bad directory" => "瓦片目录有误",
        "directories nested too deep" => "瓦片目录嵌套过深",
        other => other,
    }
}

/// The parts of the header the viewer uses.
#[derive(Clone, Debug, PartialEq)]
pub struct PmHeader {
    /// Lowest zoom with tiles.
    pub min_zoom: u8,
    /// Highest zoom with tiles.
    pub max_zoom: u8,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
    /// Centre `[lon, lat]` and zoom.
    pub center: ([f64; 2], u8),
    root: (u64, u64),
    metadata: (u64, u64),
    leaves: (u64, u64),
    data: (u64, u64),
    internal_compression: u8,
    tile_compression: u8,
    /// 0 unknown, 1 MVT, 2 PNG, 3 JPEG, 4 WebP, 5 AVIF.
    pub tile_type: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    tile_id: u64,
    offset: u64,
    length: u64,
    run_length: u64,
}

/// An open PMTiles archive. Cheap to share between threads (`Arc`); reads are serialised on
/// the file handle.
pub struct PmTilesArchive {
    path: PathBuf,
    file: Mutex<File>,
    file_len: u64,
    header: PmHeader,
    root: Arc<Vec<Entry>>,
    leaves: Mutex<HashMap<u64, Arc<Vec<Entry>>>>,
}

impl std::fmt::Debug for PmTilesArchive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PmTilesArchive").field("path", &self.path).field("header", &self.header).finish()
    }
}

fn le_u64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

fn le_i32(b: &[u8], at: usize) -> i32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    i32::from_le_bytes(a)
}

/// A LEB128 varint.
fn varint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn decode_directory(b: &[u8]) -> Option<Vec<Entry>> {
    let mut pos = 0;
    let n = varint(b, &mut pos)?;
    // Every entry takes at least four bytes: a count beyond that is damage, not a reason to
    // allocate.
    if n > (b.len() as u64) / 4 + 1 {
        return None;
    }
    let n = n as usize;
    let mut entries = vec![Entry { tile_id: 0, offset: 0, length: 0, run_length: 0 }; n];
    let mut id = 0u64;
    for e in entries.iter_mut() {
        id = id.checked_add(varint(b, &mut pos)?)?;
        e.tile_id = id;
    }
    for e in entries.iter_mut() {
        e.run_length = varint(b, &mut pos)?;
    }
    for e in entries.iter_mut() {
        e.length = varint(b, &mut pos)?;
    }
    for i in 0..n {
        let v = varint(b, &mut pos)?;
        entries[i].offset = if v == 0 {
            let prev = entries.get(i.checked_sub(1)?)?;
            prev.offset.checked_add(prev.length)?
        } else {
            v - 1
        };
    }
    Some(entries)
}

fn lookup(entries: &[Entry], id: u64) -> Option<Entry> {
    match entries.binary_search_by(|e| e.tile_id.cmp(&id)) {
        Ok(i) => entries.get(i).copied(),
        Err(0) => None,
        Err(i) => {
            let e = entries.get(i - 1)?;
            (e.run_length == 0 || id.checked_sub(e.tile_id)? < e.run_length).then_some(*e)
        }
    }
}

/// The PMTiles tile id (position on the Hilbert curves of all zooms) of a tile.
pub fn tile_id(tile: TileId) -> Option<u64> {
    let coord = pmtiles::TileCoord::new(tile.zoom, tile.x, tile.y).ok()?;
    Some(pmtiles::TileId::from(coord).value())
}

impl PmTilesArchive {
    /// Open an archive and read its header and root directory (16 KB at most).
    pub fn open(path: &Path) -> Result<Self, PmTilesError> {
        let p = path.to_owned();
        let io = |source| PmTilesError::Io { path: p.clone(), source };
        let mut file = File::open(path).map_err(io)?;
        let file_len = file.metadata().map_err(io)?.len();
        let mut h = [0u8; HEADER_LEN];
        if file_len < HEADER_LEN as u64 {
            return Err(PmTilesError::NotPmTiles(p));
        }
        file.read_exact(&mut h).map_err(io)?;
        if &h[0..7] != b"PMTiles" {
            return Err(PmTilesError::NotPmTiles(p));
        }
        if h[7] != 3 {
            return Err(PmTilesError::Version { path: p, version: h[7] });
        }
        let deg = |at| f64::from(le_i32(&h, at)) / 10_000_000.0;
        let header = PmHeader {
            root: (le_u64(&h, 8), le_u64(&h, 16)),
            metadata: (le_u64(&h, 24), le_u64(&h, 32)),
            leaves: (le_u64(&h, 40), le_u64(&h, 48)),
            data: (le_u64(&h, 56), le_u64(&h, 64)),
            internal_compression: h[97],
            tile_compression: h[98],
            tile_type: h[99],
            min_zoom: h[100],
            max_zoom: h[101].min(30),
            bounds: [deg(102), deg(106), deg(110), deg(114)],
            center: ([deg(119), deg(123)], h[118]),
        };
        let kind = match header.tile_type {
            1 => Some("vector (MVT)"),
            4 => Some("WebP"),
            5 => Some("AVIF"),
            _ => None,
        };
        if let Some(kind) = kind {
            return Err(PmTilesError::TileType { path: p, kind });
        }
        for code in [header.internal_compression, header.tile_compression] {
            if code > 2 {
                return Err(PmTilesError::Compression { path: p, code });
            }
        }
        let mut archive = Self {
            path: path.to_owned(),
            file: Mutex::new(file),
            file_len,
            header,
            root: Arc::new(Vec::new()),
            leaves: Mutex::new(HashMap::new()),
        };
        let (off, len) = archive.header.root;
        archive.root = Arc::new(archive.read_directory(off, len)?);
        Ok(archive)
    }

    /// The header.
    pub fn header(&self) -> &PmHeader {
        &self.header
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn corrupt(&self, what: &'static str) -> PmTilesError {
        PmTilesError::Corrupt { path: self.path.clone(), what }
    }

    fn read(&self, offset: u64, len: u64, max: u64) -> Result<Vec<u8>, PmTilesError> {
        let end = offset.checked_add(len).ok_or_else(|| self.corrupt("offset overflow"))?;
        if end > self.file_len || len > max {
            return Err(self.corrupt("a section lies outside the file"));
        }
        let io = |source| PmTilesError::Io { path: self.path.clone(), source };
        let mut file = self.file.lock().map_err(|_| self.corrupt("file handle poisoned"))?;
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        let mut buf = vec![0u8; len as usize];
        file.read_exact(&mut buf).map_err(io)?;
        Ok(buf)
    }

    fn decompress(&self, code: u8, bytes: Vec<u8>, max: u64) -> Result<Vec<u8>, PmTilesError> {
        if code != 2 {
            return Ok(bytes);
        }
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .take(max + 1)
            .read_to_end(&mut out)
            .map_err(|_| self.corrupt("bad gzip data"))?;
        if out.len() as u64 > max {
            return Err(self.corrupt("a section is too large"));
        }
        Ok(out)
    }

    fn read_directory(&self, offset: u64, len: u64) -> Result<Vec<Entry>, PmTilesError> {
        let raw = self.read(offset, len, MAX_DIRECTORY_BYTES)?;
        let bytes = self.decompress(self.header.internal_compression, raw, MAX_DIRECTORY_BYTES)?;
        decode_directory(&bytes).ok_or_else(|| self.corrupt("bad directory"))
    }

    fn leaf(&self, offset: u64, len: u64) -> Result<Arc<Vec<Entry>>, PmTilesError> {
        let at = self.header.leaves.0.checked_add(offset).ok_or_else(|| self.corrupt("offset overflow"))?;
        if let Some(d) = self.leaves.lock().ok().and_then(|l| l.get(&at).cloned()) {
            return Ok(d);
        }
        let dir = Arc::new(self.read_directory(at, len)?);
        if let Ok(mut l) = self.leaves.lock() {
            if l.len() > 64 {
                l.clear();
            }
            l.insert(at, dir.clone());
        }
        Ok(dir)
    }

    /// The JSON metadata (an empty object when there is none or it does not parse).
    pub fn metadata(&self) -> serde_json::Value {
        let (off, len) = self.header.metadata;
        self.read(off, len, MAX_METADATA_BYTES)
            .and_then(|raw| self.decompress(self.header.internal_compression, raw, MAX_METADATA_BYTES))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_else(|| serde_json::json!({}))
    }

    /// The credit the file carries (`attribution` in its metadata), without HTML tags.
    pub fn attribution(&self) -> Option<String> {
        let meta = self.metadata();
        let text = meta.get("attribution")?.as_str()?;
        let mut out = String::new();
        let mut in_tag = false;
        for c in text.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        let out = out.replace("&copy;", "©").trim().to_owned();
        (!out.is_empty()).then_some(out)
    }

    /// The bytes of a tile (decompressed), or None when the archive does not hold it.
    pub fn tile(&self, tile: TileId) -> Result<Option<Vec<u8>>, PmTilesError> {
        let Some(id) = tile_id(tile) else { return Ok(None) };
        let mut dir = self.root.clone();
        for _depth in 0..4 {
            let Some(e) = lookup(&dir, id) else { return Ok(None) };
            if e.run_length > 0 {
                let at = self.header.data.0.checked_add(e.offset).ok_or_else(|| self.corrupt("offset overflow"))?;
                let raw = self.read(at, e.length, MAX_TILE_BYTES)?;
                return self.decompress(self.header.tile_compression, raw, MAX_TILE_BYTES).map(Some);
            }
            dir = self.leaf(e.offset, e.length)?;
        }
        Err(self.corrupt("directories nested too deep"))
    }
}

/// What a written archive says about itself.
#[derive(Clone, Debug)]
pub struct PmTilesMeta {
    /// A name for people.
    pub name: String,
    /// The credit of the tiles' source (shown on the map when the file is used).
    pub attribution: String,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
}

/// The image type of tile bytes: 2 PNG, 3 JPEG, 0 unknown (the PMTiles codes).
pub fn sniff_tile_type(bytes: &[u8]) -> u8 {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        2
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        3
    } else {
        0
    }
}

/// Write an archive of `tiles`, loading each one's bytes with `load` in Hilbert order
/// (clustered, as readers prefer). Tiles whose bytes are missing or empty are left out. Writes
/// to a temporary file first, so a half-written archive never takes the place of a good one.
/// Returns the number of tiles written.
pub fn write_archive(
    path: &Path,
    tiles: &[TileId],
    meta: &PmTilesMeta,
    mut load: impl FnMut(TileId) -> Option<Vec<u8>>,
) -> Result<usize, PmTilesError> {
    let werr = |why: String| PmTilesError::Write { path: path.to_owned(), why };
    let mut ordered: Vec<(u64, TileId)> = tiles.iter().filter_map(|t| tile_id(*t).map(|id| (id, *t))).collect();
    ordered.sort_by_key(|(id, _)| *id);
    ordered.dedup_by_key(|(id, _)| *id);
    let min_zoom = ordered.iter().map(|(_, t)| t.zoom).min().unwrap_or(0);
    let max_zoom = ordered.iter().map(|(_, t)| t.zoom).max().unwrap_or(0);
    // The tile type comes from the first tile that loads.
    let mut first: Option<(usize, Vec<u8>)> = None;
    for (i, (_, t)) in ordered.iter().enumerate() {
        if let Some(b) = load(*t).filter(|b| !b.is_empty()) {
            first = Some((i, b));
            break;
        }
    }
    let tile_type = match first.as_ref().map(|(_, b)| sniff_tile_type(b)) {
        Some(2) => pmtiles::TileType::Png,
        Some(3) => pmtiles::TileType::Jpeg,
        _ => pmtiles::TileType::Unknown,
    };
    let metadata = serde_json::json!({
        "name": meta.name,
        "attribution": meta.attribution,
        "format": match tile_type { pmtiles::TileType::Jpeg => "jpg", _ => "png" },
        "type": "baselayer",
        "generator": format!("kuiwen-atlas {}", env!("CARGO_PKG_VERSION")),
    })
    .to_string();
    let [w, s, e, n] = meta.bounds;
    let tmp = path.with_extension("pmtiles.tmp");
    let file = File::create(&tmp).map_err(|source| PmTilesError::Io { path: tmp.clone(), source })?;
    let mut writer = pmtiles::PmTilesWriter::new(tile_type)
        .metadata(&metadata)
        .min_zoom(min_zoom)
        .max_zoom(max_zoom)
        .bounds(w, s, e, n)
        .center((w + e) / 2.0, (s + n) / 2.0)
        .center_zoom(min_zoom)
        .create(file)
        .map_err(|e| werr(e.to_string()))?;
    let mut written = 0usize;
    let result = (|| -> Result<(), PmTilesError> {
        let start = first.as_ref().map(|(i, _)| *i).unwrap_or(ordered.len());
        for (i, (_, t)) in ordered.iter().enumerate().skip(start) {
            let bytes = if i == start { first.take().map(|(_, b)| b) } else { load(*t) };
            let Some(bytes) = bytes.filter(|b| !b.is_empty()) else { continue };
            let coord = pmtiles::TileCoord::new(t.zoom, t.x, t.y).map_err(|e| werr(e.to_string()))?;
            writer.add_tile(coord, &bytes).map_err(|e| werr(e.to_string()))?;
            written += 1;
        }
        writer.finalize().map_err(|e| werr(e.to_string()))
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(|source| PmTilesError::Io { path: path.to_owned(), source })?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(r: u8) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(4, 4, image::Rgba([r, 1, 2, 255]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap_or_else(|e| panic!("{e}"));
        out.into_inner()
    }

    #[test]
    fn writes_and_reads_back_with_leaf_directories() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = tmp.path().join("t.pmtiles");
        // Enough distinct tiles to force leaf directories (more than 16 384 entries).
        let mut tiles = Vec::new();
        for x in 0..128u32 {
            for y in 0..160u32 {
                tiles.push(TileId { x, y, zoom: 8 });
            }
        }
        tiles.push(TileId { x: 0, y: 0, zoom: 0 });
        let body = |t: TileId| {
            let mut b = png(7);
            b.extend_from_slice(format!("{}/{}/{}", t.zoom, t.x, t.y).as_bytes());
            Some(b)
        };
        let meta = PmTilesMeta { name: "test".into(), attribution: "<a href=x>© Test</a>".into(), bounds: [0.0; 4] };
        let n = write_archive(&path, &tiles, &meta, body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n, tiles.len());
        let a = PmTilesArchive::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((a.header().min_zoom, a.header().max_zoom, a.header().tile_type), (0, 8, 2));
        assert!(a.header().leaves.1 > 0, "expected leaf directories");
        for t in [TileId { x: 0, y: 0, zoom: 0 }, TileId { x: 5, y: 77, zoom: 8 }, TileId { x: 127, y: 159, zoom: 8 }] {
            assert_eq!(a.tile(t).unwrap_or_else(|e| panic!("{e}")), body(t), "{t:?}");
        }
        assert_eq!(a.tile(TileId { x: 200, y: 3, zoom: 8 }).unwrap_or_else(|e| panic!("{e}")), None);
        assert_eq!(a.tile(TileId { x: 1, y: 1, zoom: 3 }).unwrap_or_else(|e| panic!("{e}")), None);
        assert_eq!(a.attribution().as_deref(), Some("© Test"));
    }

    #[test]
    fn damaged_files_are_errors_not_crashes() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = tmp.path().join("t.pmtiles");
        let tiles: Vec<TileId> = (0..4).map(|x| TileId { x, y: 0, zoom: 2 }).collect();
        let meta = PmTilesMeta { name: "t".into(), attribution: String::new(), bounds: [0.0; 4] };
        write_archive(&path, &tiles, &meta, |t| Some(png(t.x as u8))).unwrap_or_else(|e| panic!("{e}"));
        let good = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let all: Vec<TileId> = (0..4).map(|x| TileId { x, y: 0, zoom: 2 }).collect();
        let originals: Vec<Vec<u8>> = {
            let a = PmTilesArchive::open(&path).unwrap_or_else(|e| panic!("{e}"));
            all.iter().map(|t| a.tile(*t).ok().flatten().unwrap_or_else(|| panic!("tile {t:?} missing"))).collect()
        };
        let (root_offset, root_len) =
            PmTilesArchive::open(&path).map(|a| a.header().root).unwrap_or_else(|e| panic!("{e}"));
        let directory_end = (root_offset + root_len) as usize;
        // Every truncation: an error up to the end of the root directory; after it the archive
        // opens, and each tile is either whole (the same bytes) or an error, never a cut tile.
        for cut in 0..good.len() {
            std::fs::write(&path, &good[..cut]).unwrap_or_else(|e| panic!("{e}"));
            match PmTilesArchive::open(&path) {
                Err(_) => assert!(
                    cut < directory_end || cut < HEADER_LEN,
                    "cut at {cut} (directory ends at {directory_end}) refused"
                ),
                Ok(a) => {
                    assert!(
                        cut >= directory_end,
                        "a file cut at byte {cut}, before its directory's end ({directory_end}), opened"
                    );
                    for (t, original) in all.iter().zip(&originals) {
                        match a.tile(*t) {
                            Ok(Some(bytes)) => {
                                assert_eq!(&bytes, original, "cut at {cut}: tile {t:?} came back altered")
                            }
                            Ok(None) => panic!("cut at {cut}: tile {t:?} vanished without an error"),
                            Err(_) => {}
                        }
                    }
                    // The last tile's bytes run to the end of the file: cut, it is an error.
                    assert!(a.tile(all[3]).is_err(), "cut at {cut}: the last tile, cut short, read without an error");
                }
            }
        }
        // A byte flip at every header and directory position: no panic, whatever it reads.
        for i in 0..good.len().min(400) {
            let mut bad = good.clone();
            bad[i] ^= 0xff;
            std::fs::write(&path, &bad).unwrap_or_else(|e| panic!("{e}"));
            if let Ok(a) = PmTilesArchive::open(&path) {
                for t in &all {
                    let _ = a.tile(*t);
                }
            }
        }
        std::fs::write(&path, [b'x'; 400]).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(PmTilesArchive::open(&path), Err(PmTilesError::NotPmTiles(_))));
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        let path = PathBuf::from("/data/奎文区影像.pmtiles");
        let has_chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let cases: Vec<(PmTilesError, &[&str])> = vec![
            (
                PmTilesError::Io { path: path.clone(), source: std::io::Error::from(std::io::ErrorKind::NotFound) },
                &["文件不存在"],
            ),
            (PmTilesError::NotPmTiles(path.clone()), &["不是 PMTiles 文件"]),
            (PmTilesError::Version { path: path.clone(), version: 2 }, &["2", "3", "不支持"]),
            (PmTilesError::Corrupt { path: path.clone(), what: "bad directory" }, &["已损坏", "瓦片目录有误"]),
            (PmTilesError::Compression { path: path.clone(), code: 3 }, &["压缩方式 3", "gzip"]),
            (PmTilesError::TileType { path: path.clone(), kind: "vector (MVT)" }, &["矢量瓦片（MVT）", "PNG"]),
            (PmTilesError::TileType { path: path.clone(), kind: "WebP" }, &["不支持 WebP 瓦片"]),
            (PmTilesError::Write { path: path.clone(), why: "disk full".into() }, &["无法写入", "disk full"]),
        ];
        for (e, facts) in cases {
            let zh = e.zh();
            assert!(zh.contains("/data/奎文区影像.pmtiles") && has_chinese(&zh), "{zh}");
            for fact in facts {
                assert!(zh.contains(fact), "{zh} lacks {fact}");
            }
            assert_eq!(e.en(), e.to_string());
            assert!(e.to_string().contains("/data/奎文区影像.pmtiles"), "{e}");
        }
        // Every kind of damage the reader reports has its Chinese.
        let source = include_str!("pmtiles.rs");
        let mut reported = 0;
        for part in source.split("self.corrupt(\"").skip(1) {
            let what = part.split('"').next().unwrap_or_default();
            assert_ne!(damage_zh(what), what, "no Chinese for the damage {what:?}");
            reported += 1;
        }
        assert!(reported >= 7, "{reported}");
    }
}
