//! `kuiwen-atlas`: the viewer, `check` and `convert` for files without a window, and the
//! life-circle, tile and render commands.

use clap::Parser;
use kuiwen_atlas::analysis::life_circle::parse_lon_lat;
use kuiwen_atlas::app::{AtlasApp, StartOptions, crash};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::basemap::health::TileLogHook;
use kuiwen_atlas::cli::{Cli, Command, parse_tool, run_check, run_circle, run_coverage};
use kuiwen_atlas::io::crs::Crs;

fn main() -> std::process::ExitCode {
    let launched = std::time::Instant::now();
    TileLogHook::install();
    let cli = Cli::parse();
    match cli.command {
        #[cfg(feature = "image-export")]
        Some(Command::Render(args)) => std::process::ExitCode::from(kuiwen_atlas::cli::run_render(args) as u8),
        Some(Command::LoadBench { file }) => {
            std::process::ExitCode::from(kuiwen_atlas::cli::run_load_bench(&file) as u8)
        }
        Some(Command::Tiles { from, out, zoom, bbox, dry_run }) => std::process::ExitCode::from(
            kuiwen_atlas::cli::run_tiles(&from, &out, &zoom, bbox.as_deref(), dry_run) as u8,
        ),
        Some(Command::Check { json, input, files }) => {
            std::process::ExitCode::from(run_check(&files, json, &input) as u8)
        }
        Some(Command::Convert(args)) => std::process::ExitCode::from(kuiwen_atlas::cli::run_convert(&args) as u8),
        Some(Command::Stats(args)) => std::process::ExitCode::from(kuiwen_atlas::cli::run_stats(&args) as u8),
        Some(Command::Overlay(args)) => std::process::ExitCode::from(kuiwen_atlas::cli::run_overlay(&args) as u8),
        Some(Command::Diff(args)) => std::process::ExitCode::from(kuiwen_atlas::cli::run_diff(&args) as u8),
        Some(Command::History(args)) => std::process::ExitCode::from(kuiwen_atlas::cli::run_history(&args) as u8),
        Some(Command::Circle { at, json, radii, speed, no_network }) => {
            std::process::ExitCode::from(run_circle(&at, json, radii.as_deref(), speed, no_network) as u8)
        }
        Some(Command::Coverage { json, population: true, radius, no_network, target, .. }) => {
            std::process::ExitCode::from(kuiwen_atlas::cli::run_population(json, radius, no_network, target) as u8)
        }
        Some(Command::Coverage { json, csv, grids, radius, no_network, english, .. }) => {
            std::process::ExitCode::from(run_coverage(json, csv.as_deref(), grids, radius, no_network, english) as u8)
        }
        None => match run_viewer(cli, launched) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("kuiwen-atlas: {e}");
                std::process::ExitCode::FAILURE
            }
        },
    }
}

fn run_viewer(cli: Cli, launched: std::time::Instant) -> anyhow::Result<()> {
    // Crash safety: every panic is logged (keys removed) in the data folder, which also holds the
    // recovery file; see src/app/crash.rs.
    let data_dir = crash::data_dir();
    crash::set_log_dir(data_dir.as_deref());
    crash::install_panic_hook();
    let basemap = cli.basemap.as_deref().map(str::parse::<Basemap>).transpose()?;
    let crs = cli.crs.as_deref().map(str::parse::<Crs>).transpose().map_err(|e| anyhow::anyhow!("--crs: {e}"))?;
    let tool = cli.tool.as_deref().map(parse_tool).transpose().map_err(|e| anyhow::anyhow!("--tool: {e}"))?;
    let life_circle_at = cli.at.as_deref().map(parse_lon_lat).transpose().map_err(|e| anyhow::anyhow!("--at: {e}"))?;
    let start = StartOptions {
        files: cli.files,
        basemap,
        crs,
        english: cli.english.then_some(true),
        workspace: cli.workspace,
        launched: Some(launched),
        find: cli.find,
        present_slide: cli.present.map(|n| n.saturating_sub(1)),
        table: cli.table,
        charts: cli.charts,
        tool,
        life_circle_at,
        coverage: cli.coverage,
        query: cli.query,
        data_dir,
        ..Default::default()
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("奎文规划一张图 · Kuiwen Atlas")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_maximized(true),
        ..Default::default()
    };
    eframe::run_native(
        "kuiwen-atlas",
        options,
        Box::new(move |cc| Ok(Box::new(AtlasApp::new(&cc.egui_ctx, cc.storage, start)))),
    )
    .map_err(|e| {
        crash::log("ERROR", &format!("cannot open the window: {e}"));
        anyhow::anyhow!("cannot open the window: {e}")
    })
}
