//! `convert`: any readable layer to GeoJSON, GeoPackage or shapefile, in any coordinate system
//! and (for shapefiles) UTF-8 or GBK, so a file can go back to the institute in its own system.

use std::path::PathBuf;

use serde::Serialize;

use super::{ArgError, InputArgs};
use crate::io::crs::Crs;
use crate::io::formats::TextEncoding;
use crate::io::formats::write::{WriteOptions, write};
use crate::io::history::{DEFAULT_LIMIT_BYTES, History, Seen};
use crate::io::{Parsed, SourceInfo, load_path};
use kuiwen_core::i18n::both;
use kuiwen_postgis::{ConnSpec, PgEnv, PublishOptions};

/// Arguments of `convert`.
#[derive(clap::Args, Debug)]
pub struct ConvertArgs {
    /// The file to read (any format `check` reads), a PostGIS table
    /// "PG:host=… port=… dbname=… user=… table=schema.name" (password from PGPASSWORD or
    /// ~/.pgpass), or a feature service layer "WFS:https://…?typeNames=…" /
    /// "OAPIF:https://…/collections/…".
    pub input: PathBuf,
    /// The file to write: .geojson/.json (RFC 7946, WGS84 unless --to-crs), .gpkg or .shp; or a
    /// PostGIS table "PG:… table=schema.name", written in one transaction in --to-crs's EPSG code
    /// (default: the input's coordinate system).
    pub output: PathBuf,
    #[command(flatten)]
    pub from: InputArgs,
    /// Coordinate system to write in (default WGS84): EPSG:4528, EPSG:4549, cgcs2000…
    #[arg(long)]
    pub to_crs: Option<String>,
    /// Seven parameters for a Xian 1980 / Beijing 1954 --to-crs: dx,dy,dz,rx,ry,rz,ppm.
    #[arg(long, value_name = "DX,DY,DZ,RX,RY,RZ,PPM", allow_hyphen_values = true)]
    pub to_towgs84: Option<String>,
    /// Text encoding of a shapefile's attributes: UTF-8 (default) or GBK (for older ArcGIS).
    #[arg(long)]
    pub to_encoding: Option<String>,
    /// Replace the PostGIS table if it exists (without it, an existing table is left alone).
    #[arg(long)]
    pub overwrite: bool,
    /// Print a JSON report instead of text.
    #[arg(long)]
    pub json: bool,
    /// The data folder whose history keeps the written file as a converted version (成果留痕)
    /// [default: KUIWEN_DATA_DIR, else the user's data folder, as the viewer].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// A CRS argument, with seven parameters when given.
pub fn parse_crs_arg(crs: &str, towgs84: Option<&str>) -> Result<Crs, ArgError> {
    match towgs84 {
        None => Ok(crs.parse::<Crs>()?),
        Some(p) => {
            let nums: Vec<f64> = p
                .split(',')
                .map(|v| v.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| ArgError::SevenParametersNotNumbers { given: p.to_owned() })?;
            let params: [f64; 7] =
                nums.try_into().map_err(|v: Vec<f64>| ArgError::SevenParametersCount { count: v.len() })?;
            let code = crate::io::crs::parse_epsg_code(crs)
                .ok_or_else(|| ArgError::SevenParametersNeedEpsg { crs: crs.to_owned() })?;
            Ok(Crs::with_seven_parameters(code, params)?)
        }
    }
}

#[derive(Serialize)]
struct Report {
    input: String,
    output: String,
    format_in: String,
    crs_in: String,
    crs_out: String,
    encoding_out: Option<String>,
    features: usize,
    files: Vec<String>,
    notes: Vec<String>,
    warnings: Vec<String>,
    /// The number of the version the history kept of the output (None: not kept, or the same
    /// as the last one kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    history_version: Option<u64>,
}

/// Runs `convert`; the exit code: 0 written, 1 the input has errors or cannot be written, 2 bad
/// arguments.
pub fn run_convert(args: &ConvertArgs) -> i32 {
    let options = match args.from.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let to_crs = match args.to_crs.as_deref().map(|c| parse_crs_arg(c, args.to_towgs84.as_deref())).transpose() {
        Ok(c) => c.unwrap_or(Crs::Wgs84),
        Err(e) => {
            eprintln!("--to-crs: {e}");
            return 2;
        }
    };
    let encoding = match args.to_encoding.as_deref().map(str::parse::<TextEncoding>).transpose() {
        Ok(e) => e.unwrap_or(TextEncoding::Utf8),
        Err(e) => {
            eprintln!("--to-encoding: {e}");
            return 2;
        }
    };
    let input_text = args.input.to_string_lossy();
    let parsed = if ConnSpec::is_spec(&input_text) {
        match read_table(&input_text) {
            Ok(p) => p,
            Err(code) => return code,
        }
    } else if let Some(got) = kuiwen_ogc::open_spec(&input_text) {
        // A WFS or OGC API Features layer (`WFS:…`, `OAPIF:…`): every page, as GeoJSON.
        match got {
            Ok((features, name)) => Parsed {
                features,
                errors: Vec::new(),
                warnings: Vec::new(),
                crs: Crs::Wgs84,
                name: Some(name.clone()),
                source: SourceInfo { format: "OGC service", encoding: None, layer: Some(name), layers: Vec::new() },
            },
            Err(e) => {
                eprintln!("{}", both(&e));
                return 1;
            }
        }
    } else {
        match load_path(&args.input, options) {
            Ok(p) => p,
            Err(e) => {
                let d = e.diagnostic();
                eprintln!("{}: {d}\n{}", args.input.display(), d.message_zh);
                return 1;
            }
        }
    };
    if !parsed.ok() {
        eprintln!("{}: the file has errors; nothing written (文件有错误，未写出):", args.input.display());
        for e in parsed.errors.iter().take(20) {
            eprintln!("  {e}");
        }
        return 1;
    }
    let layer_name = parsed
        .source
        .layer
        .clone()
        .or_else(|| parsed.name.clone())
        .or_else(|| args.output.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "layer".to_owned());
    let output_text = args.output.to_string_lossy();
    if ConnSpec::is_spec(&output_text) {
        // A table keeps the input's system unless told otherwise, as ogr2ogr does.
        let crs = if args.to_crs.is_some() { to_crs } else { parsed.crs };
        return publish_table(args, &output_text, &parsed, &crs);
    }
    let write_options = WriteOptions { to_crs, encoding, layer_name };
    match write(&args.output, &parsed.features, &write_options) {
        Ok(r) => {
            let history_version = keep_in_history(args, r.features);
            let report = Report {
                input: args.input.display().to_string(),
                output: args.output.display().to_string(),
                format_in: parsed.source.format.to_owned(),
                crs_in: parsed.crs.name(),
                crs_out: to_crs.name(),
                encoding_out: args
                    .output
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("shp"))
                    .then(|| encoding.to_string()),
                features: r.features,
                files: r.files,
                notes: r.notes.iter().map(|(en, _)| en.clone()).collect(),
                warnings: parsed.warnings.iter().map(ToString::to_string).collect(),
                history_version,
            };
            if args.json {
                match serde_json::to_string_pretty(&report) {
                    Ok(s) => println!("{s}"),
                    Err(e) => {
                        eprintln!("cannot write JSON: {e}");
                        return 1;
                    }
                }
            } else {
                println!(
                    "{} ({}, {}) → {} ({}): {} features",
                    report.input,
                    report.format_in,
                    parsed.crs.label_en(),
                    report.output,
                    to_crs.label_en(),
                    report.features
                );
                for (en, zh) in &r.notes {
                    println!("  note: {en}\n        {zh}");
                }
                for w in &report.warnings {
                    println!("  warning: {w}");
                }
                if let Some(n) = report.history_version {
                    println!("  已记入历史版本第 {n} 版 / kept in the history as version {n}");
                }
            }
            0
        }
        Err(e) => {
            eprintln!("{e}\n{}", kuiwen_core::Bilingual::zh(&e));
            1
        }
    }
}

/// Keep the written file in the history as a converted version, so the viewer lists it with the
/// versions it read. The conversion is done either way: without a data folder nothing is kept,
/// and a history that cannot be written is only warned of.
fn keep_in_history(args: &ConvertArgs, features: usize) -> Option<u64> {
    let data = args.data_dir.clone().or_else(crate::app::crash::data_dir)?;
    let history = History::new(data.join("history"), DEFAULT_LIMIT_BYTES);
    match history.record(&args.output, Seen::Converted, features) {
        Ok(v) => v.map(|v| v.number),
        Err(e) => {
            eprintln!("kuiwen-atlas convert: {}", kuiwen_core::i18n::both(&e));
            None
        }
    }
}

/// A PostGIS table read whole (transformed to WGS84 on the server), as a parsed layer; on an
/// error, the message printed and the exit code.
fn read_table(text: &str) -> Result<Parsed, i32> {
    let (info, features) = kuiwen_postgis::read_spec(text).map_err(|e| {
        eprintln!("{}", both(&e));
        if matches!(e, kuiwen_postgis::PgError::BadSpec(_)) { 2 } else { 1 }
    })?;
    let crs = format!("EPSG:{}", info.srid).parse::<Crs>().unwrap_or(Crs::Wgs84);
    let table = info.table.to_string();
    Ok(Parsed {
        features,
        errors: Vec::new(),
        warnings: Vec::new(),
        crs,
        name: Some(info.table.name.clone()),
        source: SourceInfo { format: "PostGIS", encoding: None, layer: Some(table), layers: Vec::new() },
    })
}

/// Publish to a PostGIS table in `crs`'s EPSG code, in one transaction.
fn publish_table(args: &ConvertArgs, text: &str, parsed: &Parsed, crs: &Crs) -> i32 {
    let spec = match ConnSpec::parse(text, &PgEnv::from_process()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", both(&e));
            return 2;
        }
    };
    let Some(table) = spec.table.clone() else {
        eprintln!(
            "输出的数据库连接缺少表名（table=模式.表名） / the output connection names no table (table=schema.name)"
        );
        return 2;
    };
    let Some(srid) = crs.epsg().and_then(|c| i32::try_from(c).ok()) else {
        eprintln!(
            "{} 没有 EPSG 代码，数据库表需要一个（用 --to-crs EPSG:4549 等指定） / {} has no EPSG code, which a table needs (give --to-crs EPSG:4549 or another)",
            crs.name(),
            crs.name()
        );
        return 2;
    };
    let result = spec.connect().and_then(|mut client| {
        kuiwen_postgis::publish(
            &mut client,
            &table,
            &parsed.features,
            &PublishOptions { srid, overwrite: args.overwrite },
        )
    });
    match result {
        Ok(p) => {
            let verb = if p.replaced { "replaced" } else { "created" };
            let report = serde_json::json!({
                "input": args.input.display().to_string(),
                "output": spec.display(),
                "table": p.table.to_string(),
                "srid": p.srid,
                "geometry_type": p.geometry_type,
                "features": p.rows,
                "replaced": p.replaced,
                "seconds": p.elapsed.as_secs_f64(),
            });
            if args.json {
                println!("{report:#}");
            } else {
                println!(
                    "{} → {} (EPSG:{}, {}): {} features, table {verb} in {:.2} s\n  已写入数据库表 {}（{} 个要素）",
                    args.input.display(),
                    spec.display(),
                    p.srid,
                    p.geometry_type,
                    p.rows,
                    p.elapsed.as_secs_f64(),
                    p.table,
                    p.rows
                );
            }
            0
        }
        Err(e) => {
            eprintln!("{}", both(&e));
            1
        }
    }
}
