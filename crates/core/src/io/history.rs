//! The history of the files the app has read (成果留痕): every distinct version of every file
//! opened, reloaded or converted is kept, so any two can be compared and any one restored.
//!
//! The store is a folder. Each file of a version (a shapefile is its `.shp`, `.shx`, `.dbf`,
//! `.prj` and `.cpg`) is kept once by the SHA-256 of its bytes, gzip-compressed, in `objects/`;
//! a version that repeats the last one of its file is not kept again, and a file that several
//! versions share is stored once. `index.jsonl` lists the versions, one JSON line each, appended
//! after the objects are in place. A process killed half-way leaves at most a partial last line or
//! an unreferenced object: the line is reported and skipped, the object is removed by the next
//! clean-up. A damaged line or object is reported and skipped, never fatal.
//!
//! The store has a size limit. When it is passed, the oldest versions go first, but the newest
//! version of each file always stays. The history only ever copies: it never moves or changes the
//! planner's files, and a restore writes new files, refusing to overwrite any.

use std::collections::{BTreeSet, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Bilingual;
use crate::i18n::io_error_zh;

/// The size limit of a history unless the planner sets another: 1 GiB.
pub const DEFAULT_LIMIT_BYTES: u64 = 1 << 30;

/// The sidecar files of a shapefile that belong to a version of it.
const SHAPEFILE_PARTS: [&str; 6] = ["shp", "shx", "dbf", "prj", "cpg", "qmd"];

/// Why the history could not do something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// Reading or writing a file failed.
    #[error("history: cannot {action} {}: {source}", path.display())]
    Io {
        /// "read", "write"…
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A stored file is missing or does not match its hash.
    #[error("history: the stored copy of {name} (version {version}) is damaged or missing")]
    Damaged {
        /// The version's number.
        version: u64,
        /// The file of the version.
        name: String,
    },
    /// A restore would overwrite a file.
    #[error("{} exists already; a restore never overwrites a file", path.display())]
    WouldOverwrite {
        /// The file that exists.
        path: PathBuf,
    },
}

impl Bilingual for HistoryError {
    fn zh(&self) -> String {
        match self {
            HistoryError::Io { action, path, source } => {
                let action = match *action {
                    "read" => "读取",
                    "write" => "写入",
                    "remove" => "删除",
                    _ => "访问",
                };
                format!("历史版本：无法{action} {}：{}", path.display(), io_error_zh(source))
            }
            HistoryError::Damaged { version, name } => {
                format!("历史版本：第 {version} 版中 {name} 的存档已损坏或缺失")
            }
            HistoryError::WouldOverwrite { path } => format!("{} 已存在；恢复版本不会覆盖已有文件", path.display()),
        }
    }
}

/// A line of the index that could not be read (damaged, or cut short by a crash).
#[derive(Clone, Debug, PartialEq)]
pub struct DamagedLine {
    /// 1-based line number in `index.jsonl`.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

/// How a version came to be seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seen {
    /// Opened.
    Opened,
    /// Reloaded after a change on disk.
    Reloaded,
    /// Written by a conversion.
    Converted,
}

/// One file of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Its file name (`parks.shp`).
    pub name: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its size.
    pub size_bytes: u64,
}

/// A kept version of a file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Version {
    /// Its number, counting from 1 across the whole history.
    pub number: u64,
    /// When it was seen, seconds since 1970 (UTC).
    pub time_unix_s: u64,
    /// The file as the planner opened it.
    pub source: PathBuf,
    /// How it was seen.
    pub seen: Seen,
    /// Its files.
    pub members: Vec<Member>,
    /// Features read from it.
    pub features: usize,
    /// SHA-256 over its members' names and hashes, hex: equal hashes, equal versions.
    pub hash: String,
}

impl Version {
    /// The size of its files.
    pub fn size_bytes(&self) -> u64 {
        self.members.iter().map(|m| m.size_bytes).sum()
    }
}

/// A history folder.
#[derive(Clone, Debug)]
pub struct History {
    dir: PathBuf,
    limit_bytes: u64,
}

impl History {
    /// The history in `dir` (made when first written), kept under `limit_bytes` of stored objects.
    pub fn new(dir: impl Into<PathBuf>, limit_bytes: u64) -> Self {
        Self { dir: dir.into(), limit_bytes }
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn index_path(&self) -> PathBuf {
        self.dir.join("index.jsonl")
    }

    fn object_path(&self, sha256: &str) -> PathBuf {
        let (a, b) = sha256.split_at(2.min(sha256.len()));
        self.dir.join("objects").join(a).join(format!("{b}.gz"))
    }

    /// Every version kept, oldest first, and the index lines that could not be read.
    pub fn versions(&self) -> Result<(Vec<Version>, Vec<DamagedLine>), HistoryError> {
        let text = match fs::read(self.index_path()) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
            Err(source) => return Err(HistoryError::Io { action: "read", path: self.index_path(), source }),
        };
        let mut versions = Vec::new();
        let mut damaged = Vec::new();
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match serde_json::from_str::<Version>(line) {
                Ok(v) => versions.push(v),
                Err(e) => damaged.push(DamagedLine { line: i + 1, message: e.to_string() }),
            }
        }
        Ok((versions, damaged))
    }

    /// The versions of one file, oldest first.
    pub fn versions_of(&self, source: &Path) -> Result<Vec<Version>, HistoryError> {
        let source = absolute(source);
        Ok(self.versions()?.0.into_iter().filter(|v| v.source == source).collect())
    }

    /// Keep the file at `source` as it is now, unless its last kept version is the same. Returns
    /// the new version, or None when it repeats the last one.
    pub fn record(&self, source: &Path, seen: Seen, features: usize) -> Result<Option<Version>, HistoryError> {
        let source = absolute(source);
        let files = member_files(&source);
        let mut members = Vec::with_capacity(files.len());
        let mut contents = Vec::with_capacity(files.len());
        for path in &files {
            let bytes =
                fs::read(path).map_err(|e| HistoryError::Io { action: "read", path: path.clone(), source: e })?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            members.push(Member { name, sha256: hex(&Sha256::digest(&bytes)), size_bytes: bytes.len() as u64 });
            contents.push(bytes);
        }
        let hash = version_hash(&members);
        let (versions, _) = self.versions()?;
        if versions.iter().rev().find(|v| v.source == source).is_some_and(|v| v.hash == hash) {
            return Ok(None);
        }
        for (m, bytes) in members.iter().zip(&contents) {
            self.store_object(&m.sha256, bytes)?;
        }
        let number = versions.iter().map(|v| v.number).max().unwrap_or(0) + 1;
        let time_unix_s = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let version = Version { number, time_unix_s, source, seen, members, features, hash };
        self.append(&version)?;
        self.enforce_limit()?;
        Ok(Some(version))
    }

    /// The bytes of one file of a version, checked against its hash.
    pub fn read_member(&self, version: &Version, name: &str) -> Result<Vec<u8>, HistoryError> {
        let damaged = || HistoryError::Damaged { version: version.number, name: name.to_owned() };
        let m = version.members.iter().find(|m| m.name == name).ok_or_else(damaged)?;
        let file = File::open(self.object_path(&m.sha256)).map_err(|_| damaged())?;
        let mut bytes = Vec::with_capacity(m.size_bytes as usize);
        GzDecoder::new(file).read_to_end(&mut bytes).map_err(|_| damaged())?;
        if hex(&Sha256::digest(&bytes)) != m.sha256 {
            return Err(damaged());
        }
        Ok(bytes)
    }

    /// Write a version's files into `dir` under their own names; refuses to overwrite any file.
    /// Returns the paths written (the first is the one to open).
    pub fn restore(&self, version: &Version, dir: &Path) -> Result<Vec<PathBuf>, HistoryError> {
        let targets: Vec<PathBuf> = version.members.iter().map(|m| dir.join(&m.name)).collect();
        if let Some(path) = targets.iter().find(|p| p.exists()) {
            return Err(HistoryError::WouldOverwrite { path: path.clone() });
        }
        // Everything is read and checked before anything is written.
        let contents: Vec<Vec<u8>> =
            version.members.iter().map(|m| self.read_member(version, &m.name)).collect::<Result<_, _>>()?;
        fs::create_dir_all(dir).map_err(|source| HistoryError::Io { action: "write", path: dir.to_owned(), source })?;
        for (path, bytes) in targets.iter().zip(contents) {
            super::atomic::write(path, &bytes).map_err(|source| HistoryError::Io {
                action: "write",
                path: path.clone(),
                source,
            })?;
        }
        Ok(targets)
    }

    /// The bytes the stored objects take.
    pub fn stored_bytes(&self) -> u64 {
        walk_files(&self.dir.join("objects")).iter().filter_map(|p| fs::metadata(p).ok()).map(|m| m.len()).sum()
    }

    fn store_object(&self, sha256: &str, bytes: &[u8]) -> Result<(), HistoryError> {
        let path = self.object_path(sha256);
        if path.exists() {
            return Ok(());
        }
        let io_err = |source| HistoryError::Io { action: "write", path: path.clone(), source };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err)?;
        }
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(bytes).map_err(io_err)?;
        let compressed = gz.finish().map_err(io_err)?;
        super::atomic::write(&path, &compressed).map_err(io_err)
    }

    fn append(&self, version: &Version) -> Result<(), HistoryError> {
        let path = self.index_path();
        let io_err = |source| HistoryError::Io { action: "write", path: path.clone(), source };
        fs::create_dir_all(&self.dir).map_err(io_err)?;
        let mut line = serde_json::to_string(version).map_err(|e| io_err(io::Error::other(e)))?;
        line.push('\n');
        let mut file = OpenOptions::new().create(true).append(true).open(&path).map_err(io_err)?;
        // A line cut short by a crash before this one would swallow it: start on a new line.
        if file.metadata().map_err(io_err)?.len() > 0 && !ends_with_newline(&path) {
            line.insert(0, '\n');
        }
        file.write_all(line.as_bytes()).map_err(io_err)?;
        file.sync_data().map_err(io_err)
    }

    /// Drop the oldest versions (never the newest of a file) until the objects fit the limit, then
    /// remove the objects no version uses.
    fn enforce_limit(&self) -> Result<(), HistoryError> {
        let (mut versions, _) = self.versions()?;
        let sizes = self.object_sizes();
        let used = |vs: &[Version]| -> u64 {
            let hashes: BTreeSet<&str> = vs.iter().flat_map(|v| v.members.iter().map(|m| m.sha256.as_str())).collect();
            hashes.iter().map(|h| sizes.get(*h).copied().unwrap_or(0)).sum()
        };
        let before = versions.len();
        while used(&versions) > self.limit_bytes {
            let newest: HashMap<&Path, u64> = versions.iter().map(|v| (v.source.as_path(), v.number)).collect();
            let Some(oldest) = versions.iter().position(|v| newest.get(v.source.as_path()) != Some(&v.number)) else {
                break;
            };
            versions.remove(oldest);
        }
        if versions.len() < before {
            self.rewrite_index(&versions)?;
        }
        self.remove_unused_objects(&versions);
        Ok(())
    }

    fn object_sizes(&self) -> HashMap<String, u64> {
        let mut sizes = HashMap::new();
        for p in walk_files(&self.dir.join("objects")) {
            let (Some(dir), Some(stem)) = (p.parent().and_then(Path::file_name), p.file_name()) else { continue };
            let stem = stem.to_string_lossy();
            let Some(rest) = stem.strip_suffix(".gz") else { continue };
            let size = fs::metadata(&p).map_or(0, |m| m.len());
            sizes.insert(format!("{}{rest}", dir.to_string_lossy()), size);
        }
        sizes
    }

    fn rewrite_index(&self, versions: &[Version]) -> Result<(), HistoryError> {
        let mut text = String::new();
        for v in versions {
            if let Ok(line) = serde_json::to_string(v) {
                text.push_str(&line);
                text.push('\n');
            }
        }
        let path = self.index_path();
        super::atomic::write(&path, text.as_bytes()).map_err(|source| HistoryError::Io {
            action: "write",
            path,
            source,
        })
    }

    /// Objects no version names: left by a crash, or by versions dropped for the limit.
    fn remove_unused_objects(&self, versions: &[Version]) {
        let used: BTreeSet<PathBuf> =
            versions.iter().flat_map(|v| v.members.iter().map(|m| self.object_path(&m.sha256))).collect();
        for p in walk_files(&self.dir.join("objects")) {
            if !used.contains(&p) {
                let _ = fs::remove_file(&p);
            }
        }
    }
}

/// The files that make up a version of `source`: a shapefile with its sidecars, a folder (File
/// Geodatabase) with every file in it, anything else alone.
fn member_files(source: &Path) -> Vec<PathBuf> {
    if source.is_dir() {
        let mut files = walk_files(source);
        files.sort();
        return files;
    }
    let is_shp = source.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp"));
    if !is_shp {
        return vec![source.to_owned()];
    }
    let mut files = vec![source.to_owned()];
    for ext in &SHAPEFILE_PARTS[1..] {
        for candidate in [source.with_extension(ext), source.with_extension(ext.to_uppercase())] {
            if candidate.is_file() && !files.contains(&candidate) {
                files.push(candidate);
                break;
            }
        }
    }
    files
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn version_hash(members: &[Member]) -> String {
    let mut h = Sha256::new();
    for m in members {
        h.update(m.name.as_bytes());
        h.update(b":");
        h.update(m.sha256.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn ends_with_newline(path: &Path) -> bool {
    use std::io::{Seek, SeekFrom};
    let Ok(mut f) = File::open(path) else { return true };
    let mut last = [0u8; 1];
    f.seek(SeekFrom::End(-1)).is_ok() && f.read_exact(&mut last).is_ok() && last[0] == b'\n'
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}
