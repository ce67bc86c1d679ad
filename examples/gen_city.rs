//! Writes a reproducible city-scale GeoJSON over Kuiwen's extent (see `kuiwen_atlas::io::synthetic`).
//!
//! `cargo run --release --example gen_city -- OUT.geojson [BUILDINGS] [ROADS]`
//! (defaults: 200000 buildings, 20000 roads; the same arguments always give the same file).

use std::io::BufWriter;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(out) = args.get(1) else {
        eprintln!("usage: gen_city OUT.geojson [BUILDINGS] [ROADS]");
        std::process::exit(2);
    };
    let buildings: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let roads: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    kuiwen_atlas::io::synthetic::write_city(&mut w, buildings, roads)
}
