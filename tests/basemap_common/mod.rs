//! Shared by the basemap tests: a small tile server on 127.0.0.1 (modes ok / 404 / 500 /
//! garbage / 403 / slow, a request counter, stops by itself), PNG tiles made with `image`, and
//! a harness that waits in real time for tiles.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::health::TileStatus;

/// How the server answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A PNG tile.
    Ok,
    /// HTTP 404.
    NotFound,
    /// HTTP 500.
    ServerError,
    /// HTTP 200 with bytes that are no image.
    Garbage,
    /// HTTP 403 with an error body.
    Forbidden,
    /// Waits this long, then sends the tile.
    Slow(Duration),
}

/// The longest a test server lives: it stops by itself even if a test forgets it.
const SERVER_LIFETIME: Duration = Duration::from_secs(180);

/// A tile server on 127.0.0.1 serving solid-colour 256×256 PNG tiles.
pub struct TileServer {
    /// The port.
    pub port: u16,
    requests: Arc<AtomicUsize>,
    paths: Arc<Mutex<Vec<String>>>,
    mode: Arc<Mutex<Mode>>,
    stop: Arc<AtomicBool>,
}

/// A solid-colour PNG tile.
pub fn png_tile(rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(256, 256, image::Rgba([rgb[0], rgb[1], rgb[2], 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap_or_else(|e| panic!("{e}"));
    out.into_inner()
}

impl TileServer {
    /// Start a server answering in `mode` with tiles of colour `rgb`.
    pub fn start(mode: Mode, rgb: [u8; 3]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("cannot bind: {e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
        listener.set_nonblocking(true).unwrap_or_else(|e| panic!("{e}"));
        let requests = Arc::new(AtomicUsize::new(0));
        let paths = Arc::new(Mutex::new(Vec::new()));
        let mode = Arc::new(Mutex::new(mode));
        let stop = Arc::new(AtomicBool::new(false));
        let tile = Arc::new(png_tile(rgb));
        let (r, p, m, s) = (requests.clone(), paths.clone(), mode.clone(), stop.clone());
        std::thread::spawn(move || {
            let born = Instant::now();
            while !s.load(Ordering::Relaxed) && born.elapsed() < SERVER_LIFETIME {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (r, p, m, s, tile) = (r.clone(), p.clone(), m.clone(), s.clone(), tile.clone());
                        std::thread::spawn(move || serve(stream, &r, &p, &m, &s, &tile));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self { port, requests, paths, mode, stop }
    }

    /// The XYZ template for this server.
    pub fn template(&self) -> String {
        format!("http://127.0.0.1:{}/{{z}}/{{x}}/{{y}}.png", self.port)
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The paths requested so far.
    pub fn paths(&self) -> Vec<String> {
        self.paths.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Change how it answers.
    pub fn set_mode(&self, mode: Mode) {
        if let Ok(mut m) = self.mode.lock() {
            *m = mode;
        }
    }
}

impl Drop for TileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    mut stream: TcpStream,
    requests: &AtomicUsize,
    paths: &Mutex<Vec<String>>,
    mode: &Mutex<Mode>,
    stop: &AtomicBool,
    tile: &[u8],
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    }
    let request = String::from_utf8_lossy(&buf);
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
    requests.fetch_add(1, Ordering::SeqCst);
    if let Ok(mut p) = paths.lock() {
        p.push(path);
    }
    let mode = mode.lock().map(|m| *m).unwrap_or(Mode::Ok);
    let (status, content_type, body): (&str, &str, Vec<u8>) = match mode {
        Mode::Ok => ("200 OK", "image/png", tile.to_vec()),
        Mode::NotFound => ("404 Not Found", "text/plain", b"no such tile".to_vec()),
        Mode::ServerError => ("500 Internal Server Error", "text/plain", b"boom".to_vec()),
        Mode::Garbage => ("200 OK", "image/png", b"this is not an image, just bytes".to_vec()),
        Mode::Forbidden => ("403 Forbidden", "application/json", b"{\"msg\":\"forbidden\"}".to_vec()),
        Mode::Slow(wait) => {
            let until = Instant::now() + wait;
            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
            }
            ("200 OK", "image/png", tile.to_vec())
        }
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

/// A harness for the real app, at a fixed size, with the given folders.
pub fn harness(start: StartOptions) -> Harness<'static, AtlasApp> {
    Harness::builder()
        .with_size([1400.0, 860.0])
        .with_step_dt(0.05)
        .wgpu()
        .build_eframe(move |cc| AtlasApp::new(&cc.egui_ctx, None, start))
}

/// Start options with every folder in `dir` (never the user's).
pub fn start_in(dir: &Path, basemap: kuiwen_atlas::basemap::Basemap) -> StartOptions {
    StartOptions {
        basemap: Some(basemap),
        cache_dir: Some(dir.join("cache")),
        config_dir: Some(dir.join("config")),
        data_dir: Some(dir.join("data")),
        ..Default::default()
    }
}

/// Step the app in real time until `done` holds; returns how many frames finished while tile
/// requests were still open (status loading or slow): frames drawn without waiting for the
/// network, which is what "the UI never waits for tiles" means, whatever the machine's speed.
pub fn step_until(
    h: &mut Harness<'static, AtlasApp>,
    timeout: Duration,
    what: &str,
    mut done: impl FnMut(&AtlasApp) -> bool,
) -> usize {
    let deadline = Instant::now() + timeout;
    let mut frames_while_pending = 0;
    loop {
        h.step();
        if matches!(h.state().basemap_status(), TileStatus::Loading(n) if n > 0)
            || matches!(h.state().basemap_status(), TileStatus::Slow { .. })
        {
            frames_while_pending += 1;
        }
        if done(h.state()) {
            return frames_while_pending;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; basemap status {:?}",
            h.state().basemap_status()
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// Whether the basemap status is OK with tiles delivered and nothing pending.
pub fn settled_ok(app: &AtlasApp) -> bool {
    matches!(app.basemap_status(), TileStatus::Ok { network, cached } if network + cached > 0)
}

/// Pixels within `tol` of `rgb` in the window.
pub fn count_colour(h: &mut Harness<'static, AtlasApp>, rgb: [u8; 3], tol: i16, name: &str) -> usize {
    // Tiles counted as delivered become textures on the next frames.
    for _ in 0..3 {
        h.step();
    }
    let img = h.render().unwrap_or_else(|e| panic!("render failed: {e}"));
    if let Ok(dir) = std::env::var("KUIWEN_TEST_IMAGES") {
        let _ = img.save(format!("{dir}/{name}.png"));
    }
    img.pixels().filter(|p| (0..3).all(|i| (i16::from(p[i]) - i16::from(rgb[i])).abs() <= tol)).count()
}

/// Files under a folder (recursively).
pub fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries.flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum()
}
