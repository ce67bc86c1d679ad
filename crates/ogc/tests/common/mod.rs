//! A tiny HTTP/1.1 server on 127.0.0.1 for the OGC tests: it answers GET requests from a table
//! of routes (a path and the query parameters a request must carry, names compared without
//! case), with the recorded fixtures in `tests/fixtures/` (`{{BASE}}` in them becomes the
//! server's own address), and remembers every request. Anything else is a 404. It stops with
//! the test (or by itself after three minutes).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One answer the server can give.
#[derive(Clone, Debug)]
pub struct Route {
    /// The path, exactly.
    pub path: String,
    /// Query parameters the request must carry (names without case, values exactly).
    pub query: Vec<(String, String)>,
    /// The status.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: String,
    /// The body (`{{BASE}}` is replaced when served).
    pub body: Vec<u8>,
}

/// A route serving a fixture file.
pub fn file(path: &str, query: &[(&str, &str)], fixture: &str, content_type: &str) -> Route {
    let p = fixtures().join(fixture);
    let body = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    Route {
        path: path.to_owned(),
        query: query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        status: 200,
        content_type: content_type.to_owned(),
        body,
    }
}

/// A route answering with a status and a body of its own.
pub fn status(path: &str, query: &[(&str, &str)], code: u16, content_type: &str, body: &str) -> Route {
    Route {
        path: path.to_owned(),
        query: query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        status: code,
        content_type: content_type.to_owned(),
        body: body.as_bytes().to_vec(),
    }
}

/// The fixtures folder (this crate's, also when the app's tests include this module).
pub fn fixtures() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let own = root.join("tests/fixtures/wfs_capabilities.xml");
    if own.is_file() { root.join("tests/fixtures") } else { root.join("crates/ogc/tests/fixtures") }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Request {
    /// The path.
    pub path: String,
    /// The query, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The request target as sent (path and query, still encoded).
    pub target: String,
    /// The `Accept` header.
    pub accept: String,
}

impl Request {
    /// A query parameter's value (name without case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The server.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Split a request target into its path and decoded query.
pub fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    (decode(path), pairs)
}

impl Server {
    /// Start serving the routes.
    pub fn start(routes: Vec<Route>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local address").port();
        listener.set_nonblocking(true).expect("non-blocking");
        let base = format!("http://127.0.0.1:{port}");
        let routes: Vec<Route> = routes
            .into_iter()
            .map(|mut r| {
                if let Ok(text) = std::str::from_utf8(&r.body) {
                    r.body = text.replace("{{BASE}}", &base).into_bytes();
                }
                r
            })
            .collect();
        let routes = Arc::new(routes);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (rq, st) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            let born = Instant::now();
            while !st.load(Ordering::Relaxed) && born.elapsed() < Duration::from_secs(180) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (routes, rq) = (routes.clone(), rq.clone());
                        std::thread::spawn(move || serve(stream, &routes, &rq));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Server { base, requests, stop }
    }

    /// An address on the server.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests").clone()
    }

    /// The requests to a path.
    pub fn requests_to(&self, path: &str) -> Vec<Request> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }
}

fn serve(mut stream: TcpStream, routes: &[Route], requests: &Mutex<Vec<Request>>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let target = first.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let accept = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("accept"))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let (path, query) = split_target(&target);
    requests.lock().expect("requests").push(Request {
        path: path.clone(),
        query: query.clone(),
        target: target.clone(),
        accept,
    });
    // The most specific route that matches.
    let route = routes
        .iter()
        .filter(|r| {
            r.path == path
                && r.query.iter().all(|(k, v)| query.iter().any(|(qk, qv)| qk.eq_ignore_ascii_case(k) && qv == v))
        })
        .max_by_key(|r| r.query.len());
    let (code, content_type, body) = match route {
        Some(r) => (r.status, r.content_type.as_str(), r.body.clone()),
        None => (404, "text/plain", format!("no route for {target}").into_bytes()),
    };
    let reason = match code {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let header = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(header.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}
