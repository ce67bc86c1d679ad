//! `kuiwen-atlas history`: the versions the app has kept of a file (成果留痕), and a version
//! written back out.

use std::path::PathBuf;

use kuiwen_core::Bilingual;
use kuiwen_core::i18n::both;

use crate::io::history::{DEFAULT_LIMIT_BYTES, History, Version};

/// Arguments of `history`.
#[derive(clap::Args, Debug)]
pub struct HistoryArgs {
    /// The file whose versions to list (every file when left out).
    pub file: Option<PathBuf>,
    /// Write this version (its number in the list) into the folder given by --to.
    #[arg(long, value_name = "N", requires = "to")]
    pub restore: Option<u64>,
    /// The folder a restored version is written to (its files keep their names; none is
    /// overwritten).
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
    /// The history's data folder [default: KUIWEN_DATA_DIR, else the user's data folder].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print one JSON document: {"versions":[{"number","time_unix_s","source","seen","members","features","hash"}]}.
    #[arg(long)]
    pub json: bool,
}

/// Runs `history`; the exit code: 0 done, 1 the history or a file could not be read or written,
/// 2 no such version.
pub fn run_history(args: &HistoryArgs) -> i32 {
    let Some(data) = args.data_dir.clone().or_else(crate::app::crash::data_dir) else {
        eprintln!("kuiwen-atlas history: 没有数据文件夹 / no data folder (set KUIWEN_DATA_DIR or --data-dir)");
        return 1;
    };
    let history = History::new(data.join("history"), DEFAULT_LIMIT_BYTES);
    let (all, damaged) = match history.versions() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("kuiwen-atlas history: {}", both(&e));
            return 1;
        }
    };
    for d in &damaged {
        eprintln!(
            "kuiwen-atlas history: 索引第 {} 行已损坏，已跳过 / index line {} is damaged, skipped: {}",
            d.line, d.line, d.message
        );
    }
    let source = args.file.as_ref().map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()));
    let versions: Vec<&Version> = all.iter().filter(|v| source.as_ref().is_none_or(|s| &v.source == s)).collect();
    if let (Some(n), Some(dir)) = (args.restore, &args.to) {
        let Some(v) = versions.iter().find(|v| v.number == n) else {
            eprintln!("kuiwen-atlas history: 没有第 {n} 版 / no version {n}");
            return 2;
        };
        return match history.restore(v, dir) {
            Ok(paths) => {
                for p in paths {
                    println!("{}", p.display());
                }
                0
            }
            Err(e) => {
                eprintln!("kuiwen-atlas history: {} / {}", e.zh(), e.en());
                1
            }
        };
    }
    if args.json {
        return super::print_json(&serde_json::json!({ "versions": versions }));
    }
    if versions.is_empty() {
        println!("没有保留的版本 / no versions kept");
    }
    for v in versions {
        println!(
            "{:>4}  {}  {}  {} 个要素 / features  {} 字节 / bytes  {:?}",
            v.number,
            crate::app::crash::utc_text(v.time_unix_s),
            v.source.display(),
            v.features,
            v.size_bytes(),
            v.seen
        );
    }
    0
}
