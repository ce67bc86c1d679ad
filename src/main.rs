//! `kuiwen-atlas`: the viewer, `check` and `convert` for files without a window, and the
//! life-circle, tile and render commands.
// On Windows the program is a window program, so a double-click opens no console; the commands
// attach to the console they were typed in (see `windows_console`).
#![cfg_attr(windows, windows_subsystem = "windows")]

use clap::Parser;
use kuiwen_atlas::analysis::life_circle::parse_lon_lat;
use kuiwen_atlas::app::{AtlasApp, StartOptions, crash};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::basemap::health::TileLogHook;
use kuiwen_atlas::cli::{Cli, Command, parse_tool, run_check, run_circle, run_coverage};
use kuiwen_atlas::io::crs::Crs;

fn main() -> std::process::ExitCode {
    let launched = std::time::Instant::now();
    #[cfg(windows)]
    windows_console::attach();
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
        Some(Command::Services(args)) => std::process::ExitCode::from(kuiwen_atlas::cli::run_services(&args) as u8),
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
                retry_on_opengl(&e).unwrap_or(std::process::ExitCode::FAILURE)
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
            // The desktop entry's StartupWMClass and the Wayland app id, so the dock shows our icon.
            .with_app_id("kuiwen-atlas")
            .with_icon(window_icon())
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

/// When the graphics interface the system offered first fails (a DirectX 12 driver that loses its
/// device, as under Wine, or a virtual machine's), start the viewer once more on OpenGL, which
/// every Windows and Linux desktop has. A window system cannot be opened twice in one process, so
/// this is a second process; `WGPU_BACKEND` set by the user (or by this retry) is left alone.
fn retry_on_opengl(e: &anyhow::Error) -> Option<std::process::ExitCode> {
    if std::env::var_os("WGPU_BACKEND").is_some() || !e.to_string().to_lowercase().contains("wgpu") {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    eprintln!("kuiwen-atlas: starting again with OpenGL (WGPU_BACKEND=gl)");
    crash::log("WARN", &format!("the window failed ({e}); starting again with OpenGL"));
    let status = std::process::Command::new(exe).args(std::env::args_os().skip(1)).env("WGPU_BACKEND", "gl").status();
    Some(
        status
            .ok()
            .and_then(|s| s.code())
            .map_or(std::process::ExitCode::FAILURE, |c| std::process::ExitCode::from(c as u8)),
    )
}

/// The window's icon: the 256 px one the packages install, built into the program so a window
/// from `cargo run` has it too.
fn window_icon() -> std::sync::Arc<egui::IconData> {
    let png = include_bytes!("../assets/icons/hicolor/256x256/apps/kuiwen-atlas.png");
    // The bytes are ours (scripts/test_deb.sh checks every icon PNG whole); a failure would only
    // cost the icon.
    std::sync::Arc::new(eframe::icon_data::from_png_bytes(png).unwrap_or_default())
}

/// A window program on Windows has no console of its own. When it is started from one (`cmd`,
/// PowerShell) for `check` or `convert`, attach to that console so the report is printed there;
/// output redirected to a file or pipe already has its handles and is left as it is.
#[cfg(windows)]
mod windows_console {
    use windows_sys::Win32::Foundation::INVALID_HANDLE_VALUE;
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_OUTPUT_HANDLE};

    pub fn attach() {
        // SAFETY: plain Win32 calls with no pointers; a failure (no parent console, as after a
        // double-click) leaves the process as it was.
        unsafe {
            let out = GetStdHandle(STD_OUTPUT_HANDLE);
            if out.is_null() || out == INVALID_HANDLE_VALUE {
                AttachConsole(ATTACH_PARENT_PROCESS);
            }
        }
    }
}
