//! A throwaway PostgreSQL + PostGIS server for tests and benchmarks: `initdb` in a temporary
//! folder, started on a free loopback port, stopped (and the folder removed) when dropped. It is
//! Debian's real server (`postgresql-15-postgis-3`), not a stand-in; `.ci/run` installs it.
//!
//! As root (CI), the server runs as the `postgres` system user, since PostgreSQL refuses to
//! run as root.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::conn::{ConnSpec, PgEnv};

/// The south-west corner, in EPSG:4549 metres, of the test grid of buildings: about 119.04°E
/// 36.58°N, so the grid (28 km a side) covers Kuiwen District.
pub const BUILDINGS_ORIGIN_4549: [f64; 2] = [407_000.0, 4_068_000.0];

/// Blocks per row of the test grid.
pub const BUILDINGS_GRID: i64 = 1415;

/// SQL that makes `buildings` (gid, 名称, 层数, geom Polygon 4549) with `rows` footprints of
/// 15 m × 12 m, 20 m apart on a [`BUILDINGS_GRID`]-wide grid from [`BUILDINGS_ORIGIN_4549`],
/// indexed and analysed: a city's building layer, for the big-table tests and the benchmark.
pub fn buildings_sql(rows: i64) -> String {
    let [x0, y0] = BUILDINGS_ORIGIN_4549;
    let g = BUILDINGS_GRID;
    format!(
        "CREATE TABLE buildings (gid serial PRIMARY KEY, 名称 text, 层数 int, geom geometry(Polygon, 4549));
         INSERT INTO buildings (名称, 层数, geom) SELECT '建筑' || i, 1 + i % 30,
           ST_MakeEnvelope({x0} + (i % {g}) * 20, {y0} + (i / {g}) * 20, {x0} + 15 + (i % {g}) * 20, {y0} + 12 + (i / {g}) * 20, 4549)
         FROM generate_series(0, {}) i;
         CREATE INDEX ON buildings USING GIST (geom);
         ANALYZE buildings;",
        rows - 1
    )
}

/// A running test server.
pub struct TestServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// The loopback port it listens on.
    pub port: u16,
    as_postgres: bool,
}

/// Why a test server could not start.
#[derive(Debug, thiserror::Error)]
#[error("test PostgreSQL server: {0}")]
pub struct TestServerError(String);

impl TestServer {
    /// Make and start a server with a `kuiwen` superuser (trusted on loopback) and PostGIS in
    /// its `kuiwen` database.
    pub fn start() -> Result<Self, TestServerError> {
        let bin = bin_dir()?;
        let dir =
            tempfile::Builder::new().prefix("kuiwen-pg-").tempdir().map_err(|e| TestServerError(e.to_string()))?;
        let as_postgres = is_root();
        if as_postgres {
            chown_postgres(dir.path())?;
        }
        let port = free_port()?;
        let server = Self { dir, bin, port, as_postgres };
        let data = server.data_dir();
        server.run(
            "initdb",
            &["-D", path_str(&data)?, "-U", "kuiwen", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
        )?;
        server.start_again()?;
        let mut client = server.client_for("postgres")?;
        client.batch_execute("CREATE DATABASE kuiwen").map_err(|e| TestServerError(e.to_string()))?;
        let mut client = server.client()?;
        client.batch_execute("CREATE EXTENSION postgis").map_err(|e| TestServerError(e.to_string()))?;
        Ok(server)
    }

    /// The connection text of its `kuiwen` database, with `table` if given.
    pub fn spec_text(&self, table: Option<&str>) -> String {
        let mut s = format!("PG:host=127.0.0.1 port={} dbname=kuiwen user=kuiwen", self.port);
        if let Some(t) = table {
            s.push_str(&format!(" table={t}"));
        }
        s
    }

    /// Its connection spec, read with no environment (no PGPASSWORD or password file).
    pub fn spec(&self, table: Option<&str>) -> ConnSpec {
        match ConnSpec::parse(&self.spec_text(table), &PgEnv::default()) {
            Ok(s) => s,
            Err(e) => unreachable!("the test server's own text parses: {e}"),
        }
    }

    /// A client on its `kuiwen` database.
    pub fn client(&self) -> Result<postgres::Client, TestServerError> {
        self.client_for("kuiwen")
    }

    fn client_for(&self, db: &str) -> Result<postgres::Client, TestServerError> {
        postgres::Config::new()
            .host("127.0.0.1")
            .port(self.port)
            .user("kuiwen")
            .dbname(db)
            .connect(postgres::NoTls)
            .map_err(|e| TestServerError(format!("connect: {e}")))
    }

    /// Stop it at once, as a crash or a pulled cable would (`pg_ctl stop -m immediate`).
    pub fn kill(&self) -> Result<(), TestServerError> {
        self.run("pg_ctl", &["-D", path_str(&self.data_dir())?, "-m", "immediate", "-w", "stop"])
    }

    /// Start it again (after [`TestServer::kill`]) on the same port.
    pub fn start_again(&self) -> Result<(), TestServerError> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c full_page_writes=off -c synchronous_commit=off",
            self.port,
            path_str(self.dir.path())?
        );
        let log = self.dir.path().join("server.log");
        self.run("pg_ctl", &["-D", path_str(&self.data_dir())?, "-o", &options, "-l", path_str(&log)?, "-w", "start"])
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), TestServerError> {
        let exe = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).output().map_err(|e| TestServerError(format!("{}: {e}", exe.display())))?;
        if out.status.success() {
            Ok(())
        } else {
            let log = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
            Err(TestServerError(format!(
                "{program} failed: {}{}\n{log}",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            )))
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Ok(data) = path_str(&self.data_dir()) {
            let _ = self.run("pg_ctl", &["-D", data, "-m", "immediate", "-w", "stop"]);
        }
    }
}

/// The PostgreSQL programs: `KUIWEN_PG_BIN`, else the newest `/usr/lib/postgresql/N/bin`
/// (Debian's layout).
fn bin_dir() -> Result<PathBuf, TestServerError> {
    if let Ok(b) = std::env::var("KUIWEN_PG_BIN") {
        return Ok(PathBuf::from(b));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| TestServerError("PostgreSQL is not installed (apt-get install postgresql-15-postgis-3)".into()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, p)| p.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p).ok_or_else(|| TestServerError("no initdb under /usr/lib/postgresql".into()))
}

fn free_port() -> Result<u16, TestServerError> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| TestServerError(e.to_string()))?;
    l.local_addr().map(|a| a.port()).map_err(|e| TestServerError(e.to_string()))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn chown_postgres(dir: &Path) -> Result<(), TestServerError> {
    let ok = Command::new("chown").arg("postgres:").arg(dir).status().is_ok_and(|s| s.success());
    if ok { Ok(()) } else { Err(TestServerError(format!("cannot give {} to the postgres user", dir.display()))) }
}

fn path_str(p: &Path) -> Result<&str, TestServerError> {
    p.to_str().ok_or_else(|| TestServerError(format!("{} is not UTF-8", p.display())))
}
