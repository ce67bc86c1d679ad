//! Formats no Rust crate reads, File Geodatabase first: GDAL's `ogr2ogr` (when installed)
//! converts the layer to a temporary GeoPackage, which the GeoPackage reader then reads, keeping
//! the layer's own coordinate system. Without GDAL, the error says how to get it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::{Format, Progress};
use crate::io::geojson::{Diagnostic, LoadError, LoadOptions, Parsed};

/// The `ogr2ogr` to run: `KUIWEN_OGR2OGR` if set, else the one on the `PATH`.
fn tool(name: &str) -> Option<PathBuf> {
    if name == "ogr2ogr"
        && let Some(p) = std::env::var_os("KUIWEN_OGR2OGR").map(PathBuf::from)
    {
        return p.is_file().then_some(p);
    }
    let exe = if cfg!(windows) { format!("{name}.exe") } else { name.to_owned() };
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(&exe)).find(|p| p.is_file())
}

fn no_gdal(path: &Path, format: Format) -> LoadError {
    let shown = path.display();
    let what = format.name();
    LoadError::Invalid(Diagnostic::new(
        format!(
            "{shown}: {what} is read through GDAL's ogr2ogr, which is not installed. Install GDAL (Debian, UOS, Kylin: apt install gdal-bin; Windows: OSGeo4W or QGIS, which includes it) or export the data from ArcGIS as GeoPackage or shapefile"
        ),
        format!(
            "{shown}：{what} 需借助 GDAL 的 ogr2ogr 读取，但本机未安装。请安装 GDAL（Debian、统信 UOS、麒麟：apt install gdal-bin；Windows：OSGeo4W 或自带 GDAL 的 QGIS），或在 ArcGIS 中导出为 GeoPackage 或 shapefile"
        ),
    ))
}

fn gdal_failed(path: &Path, stderr: &str) -> LoadError {
    let shown = path.display();
    let why = stderr.lines().filter(|l| !l.trim().is_empty()).take(3).collect::<Vec<_>>().join("; ");
    LoadError::Invalid(Diagnostic::new(
        format!("{shown}: GDAL cannot read it: {why}"),
        format!("{shown}：GDAL 无法读取：{why}"),
    ))
}

/// The layers GDAL sees, from `ogrinfo -ro -q`.
pub fn list_layers(path: &Path) -> Result<Vec<String>, LoadError> {
    let ogrinfo = tool("ogrinfo").ok_or_else(|| no_gdal(path, Format::FileGdb))?;
    let out = Command::new(ogrinfo)
        .args(["-ro", "-q"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    if !out.status.success() {
        return Err(gdal_failed(path, &String::from_utf8_lossy(&out.stderr)));
    }
    Ok(parse_layer_list(&String::from_utf8_lossy(&out.stdout)))
}

/// `1: parks (Multi Polygon)` or `Layer: parks (Multi Polygon)` (as GDAL prints a File
/// Geodatabase's) → `parks`.
fn parse_layer_list(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (n, rest) = l.split_once(": ")?;
            if n.trim() != "Layer" {
                n.trim().parse::<u32>().ok()?;
            }
            let name = match rest.rfind(" (") {
                Some(i) if rest.ends_with(')') => &rest[..i],
                _ => rest,
            };
            Some(name.trim().to_owned())
        })
        .collect()
}

/// A temporary file path that no other load uses.
fn temp_gpkg() -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("kuiwen-atlas-{}-{n}.gpkg", std::process::id()))
}

/// Removes the temporary GeoPackage however the read ends.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Reads one layer (the named one, else the first) through `ogr2ogr`.
pub fn read(path: &Path, format: Format, options: &LoadOptions, progress: &Progress<'_>) -> Result<Parsed, LoadError> {
    let ogr2ogr = tool("ogr2ogr").ok_or_else(|| no_gdal(path, format))?;
    // A table file inside a .gdb folder stands for the folder.
    let source = if path.is_file()
        && path.parent().is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gdb")))
    {
        path.parent().map(Path::to_path_buf).unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let layers = list_layers(&source)?;
    let layer = match &options.layer {
        Some(l) if layers.contains(l) => l.clone(),
        Some(l) => {
            let shown = path.display();
            return Err(LoadError::Invalid(Diagnostic::new(
                format!("{shown}: no layer {l:?}; the layers are: {}", layers.join(", ")),
                format!("{shown}：没有图层 {l:?}；现有图层：{}", layers.join("、")),
            )));
        }
        None => layers.first().cloned().ok_or_else(|| gdal_failed(path, "no layers"))?,
    };
    let temp = TempFile(temp_gpkg());
    let mut child = Command::new(&ogr2ogr)
        .args(["-f", "GPKG", "-nln", "layer"])
        .arg(&temp.0)
        .arg(&source)
        .arg(&layer)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        // The program failed to start, not the data file: say which.
        .map_err(|e| gdal_failed(path, &format!("cannot start {}: {e}", ogr2ogr.display())))?;
    let status = loop {
        if progress.cancel.load(Ordering::Relaxed) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(LoadError::Cancelled);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(source) => return Err(LoadError::Io { path: path.to_path_buf(), source }),
        }
    };
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        return Err(gdal_failed(path, &err));
    }
    let inner = LoadOptions { layer: Some("layer".to_owned()), ..options.clone() };
    let mut parsed = super::gpkg::read(&temp.0, &inner, progress)?;
    parsed.name = Some(layer.clone());
    parsed.source.layer = Some(layer);
    parsed.source.layers = layers;
    parsed.warnings.push(Diagnostic::new("read through GDAL's ogr2ogr", "经 GDAL 的 ogr2ogr 读取"));
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ogrinfo_layer_lists() {
        let text = "INFO: Open of `kuiwen.gpkg'\n      using driver `GPKG' successful.\n1: parks (Multi Polygon)\n2: 规划 用地 (Polygon)\n3: notes\n";
        assert_eq!(super::parse_layer_list(text), vec!["parks", "规划 用地", "notes"]);
        // GDAL 3.6 lists a File Geodatabase's feature classes this way.
        assert_eq!(
            super::parse_layer_list("Layer: parks (Multi Polygon)\nLayer: 道路 (Line String)\n"),
            vec!["parks", "道路"]
        );
    }
}
