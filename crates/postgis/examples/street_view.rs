//! Benchmark: a street view read from a 2,000,000-row PostGIS table, against GDAL reading the
//! same view, alternating runs in one process.
//!
//! ```sh
//! cargo run --release -p kuiwen-postgis --features testing --example street_view
//! ```
//!
//! It starts a throwaway PostgreSQL + PostGIS (as the tests do), fills a table of 2,000,000
//! building footprints in EPSG:4549 over Kuiwen (a 1415 × 1415 grid of 15 m × 12 m blocks, 20 m
//! apart), then reads eight 1.3 km × 0.8 km views (a street view on a 1600 px wide window)
//! across the district: ours through `read` with the view's simplification tolerance, GDAL's
//! with `ogr2ogr -f Memory -spat … -spat_srs EPSG:4326 -t_srs EPSG:4326`. Each reads the
//! same rows and brings them to WGS84.

use std::process::Command;
use std::time::{Duration, Instant};

use kuiwen_postgis::testing::{BUILDINGS_ORIGIN_4549, TestServer, buildings_sql};
use kuiwen_postgis::{Scope, TableName, read, table_info};

const ROWS: i64 = 2_000_000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pg = TestServer::start()?;
    let mut client = pg.client()?;
    let started = Instant::now();
    client.batch_execute(&buildings_sql(ROWS))?;
    println!("table of {ROWS} rows made and indexed in {:.1} s", started.elapsed().as_secs_f64());
    let spec = pg.spec(Some("buildings"));
    let info = table_info(&mut client, &spec.server(), &TableName::parse("buildings")?)?;
    println!(
        "catalogue: {} rows (estimated: {}), read by view: {}",
        info.rows.unwrap_or(-1),
        info.rows_estimated,
        !info.read_whole()
    );

    // The grid's corner in WGS84, then views marching north-east across it.
    let row = client.query_one(
        "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4549), 4326) p",
        &[&BUILDINGS_ORIGIN_4549[0], &BUILDINGS_ORIGIN_4549[1]],
    )?;
    let (lon0, lat0): (f64, f64) = (row.get(0), row.get(1));
    let (w_m, h_m, px) = (1300.0, 800.0, 1600.0);
    let m_per_deg_lon = 111_320.0 * lat0.to_radians().cos();
    let tolerance_deg = (w_m / px / 2.0) / m_per_deg_lon;
    let gdal = format!("PG:host=127.0.0.1 port={} dbname=kuiwen user=kuiwen", pg.port);
    let (mut ours, mut theirs, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..8 {
        let (dx, dy) = (2000.0 + 3000.0 * k as f64, 1500.0 + 2500.0 * k as f64);
        let west = lon0 + dx / m_per_deg_lon;
        let south = lat0 + dy / 110_574.0;
        let bbox = [west, south, west + w_m / m_per_deg_lon, south + h_m / 110_574.0];

        let t = Instant::now();
        let got = read(&mut client, &info, Scope::View { bbox, tolerance_deg })?;
        ours.push(t.elapsed());
        counts.push(got.features.len());

        let t = Instant::now();
        let out = Command::new("ogr2ogr")
            .args(["-f", "Memory", "", &gdal, "buildings", "-t_srs", "EPSG:4326", "-spat_srs", "EPSG:4326", "-spat"])
            .args(bbox.map(|v| format!("{v:.9}")))
            .output()?;
        theirs.push(t.elapsed());
        if !out.status.success() {
            return Err(format!("ogr2ogr: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
    }
    // GDAL's fixed cost (starting the process, connecting, reading the catalogue): the same
    // command on a view with nothing in it.
    let mut fixed = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        Command::new("ogr2ogr")
            .args(["-f", "Memory", "", &gdal, "buildings", "-t_srs", "EPSG:4326", "-spat_srs", "EPSG:4326", "-spat"])
            .args(["100", "10", "100.001", "10.001"])
            .output()?;
        fixed.push(t.elapsed());
    }
    let (a, b) = (median(ours.clone()), median(theirs.clone()));
    println!("features per view: {counts:?}");
    println!("kuiwen-postgis read: median {:.0} ms  (runs: {:?})", a.as_secs_f64() * 1e3, ours);
    println!("ogr2ogr -f Memory:   median {:.0} ms  (runs: {:?})", b.as_secs_f64() * 1e3, theirs);
    println!("ratio: {:.1}×", b.as_secs_f64() / a.as_secs_f64());
    let f = median(fixed);
    println!(
        "ogr2ogr on an empty view (its fixed cost): median {:.0} ms; less that: {:.0} ms per view, {:.1}× ours",
        f.as_secs_f64() * 1e3,
        (b.saturating_sub(f)).as_secs_f64() * 1e3,
        b.saturating_sub(f).as_secs_f64() / a.as_secs_f64()
    );
    Ok(())
}
