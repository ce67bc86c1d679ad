//! Where a PostGIS table is: the connection text planners and GDAL write
//! (`PG:host=… dbname=… user=… table=schema.name`, or a `postgresql://` address), the
//! libpq defaults it leaves out (PGHOST, PGPORT, PGUSER, PGDATABASE), the password from
//! PGPASSWORD or the password file, and the connection itself.
//!
//! The password is never part of what is shown, logged or saved: [`ConnSpec::display`] and
//! [`ConnSpec::to_spec`] leave it out, so a workspace or an image names the table without it.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::{PgError, detail};

/// The default PostgreSQL port.
pub const DEFAULT_PORT: u16 = 5432;

/// How long a connection attempt may take before it is reported as failed.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection and, optionally, a table in it.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnSpec {
    /// Host name or address (or a Unix socket folder, starting with `/`).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Database name.
    pub dbname: String,
    /// User name.
    pub user: String,
    /// The password, when typed or found; never shown, logged or saved.
    pub password: Option<String>,
    /// The table, `schema.name` or `name` (schema `public`).
    pub table: Option<TableName>,
}

/// Debug never shows the password either (a spec may end up in a log through `{:?}`).
impl std::fmt::Debug for ConnSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ConnSpec({})", self.to_spec())
    }
}

/// A table's schema and name, as the database spells them (case kept: they are quoted in SQL).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableName {
    /// The schema, `public` by default.
    pub schema: String,
    /// The table or view.
    pub name: String,
}

impl TableName {
    /// `schema.name`, or `name` alone (schema `public`). A name with a dot in it can be written
    /// in double quotes: `"my.schema"."my table"`.
    pub fn parse(text: &str) -> Result<Self, PgError> {
        let parts = split_quoted_dotted(text.trim())?;
        match parts.as_slice() {
            [name] if !name.is_empty() => Ok(Self { schema: "public".into(), name: name.clone() }),
            [schema, name] if !schema.is_empty() && !name.is_empty() => {
                Ok(Self { schema: schema.clone(), name: name.clone() })
            }
            _ => Err(PgError::BadSpec(format!("table name “{text}”: write schema.table or table"))),
        }
    }

    /// The name quoted for SQL: `"schema"."name"`.
    pub fn quoted(&self) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// An identifier in double quotes, with inner quotes doubled: any table or column name a
/// planner gave (Chinese, spaces, capitals) is safe in SQL.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn split_quoted_dotted(text: &str) -> Result<Vec<String>, PgError> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(p) = parts.last_mut() {
                    p.push('"');
                }
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(String::new()),
            c => {
                if let Some(p) = parts.last_mut() {
                    p.push(c);
                }
            }
        }
    }
    if quoted {
        return Err(PgError::BadSpec(format!("table name “{text}”: unclosed double quote")));
    }
    Ok(parts)
}

/// The environment the libpq defaults come from, passed in so tests and the app can choose.
#[derive(Clone, Debug, Default)]
pub struct PgEnv {
    /// PGHOST.
    pub host: Option<String>,
    /// PGPORT.
    pub port: Option<String>,
    /// PGUSER (else the login name).
    pub user: Option<String>,
    /// PGDATABASE.
    pub dbname: Option<String>,
    /// PGPASSWORD.
    pub password: Option<String>,
    /// The password file: PGPASSFILE, else `~/.pgpass` (`%APPDATA%\postgresql\pgpass.conf` on
    /// Windows).
    pub passfile: Option<PathBuf>,
}

impl PgEnv {
    /// The process's environment.
    pub fn from_process() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let login = var("USER").or_else(|| var("USERNAME"));
        let passfile = var("PGPASSFILE").map(PathBuf::from).or_else(|| {
            if cfg!(windows) {
                var("APPDATA").map(|a| PathBuf::from(a).join("postgresql").join("pgpass.conf"))
            } else {
                var("HOME").map(|h| PathBuf::from(h).join(".pgpass"))
            }
        });
        Self {
            host: var("PGHOST"),
            port: var("PGPORT"),
            user: var("PGUSER").or(login),
            dbname: var("PGDATABASE"),
            password: var("PGPASSWORD"),
            passfile,
        }
    }
}

impl ConnSpec {
    /// Whether the text names a PostGIS source: `PG:…` (GDAL's spelling) or a `postgresql://`
    /// / `postgres://` address.
    pub fn is_spec(text: &str) -> bool {
        let t = text.trim_start();
        t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("pg:"))
            || t.starts_with("postgresql://")
            || t.starts_with("postgres://")
    }

    /// Read a connection text, filling what it leaves out from `env`. Keys: `host`, `port`,
    /// `dbname`, `user`, `password`, and `table` (or GDAL's `tables`, the first one) for the
    /// table; values may be in single quotes. Unknown keys (`sslmode`, …) are refused rather than
    /// silently ignored.
    pub fn parse(text: &str, env: &PgEnv) -> Result<Self, PgError> {
        let t = text.trim();
        let body = t.get(..3).filter(|p| p.eq_ignore_ascii_case("pg:")).map_or(t, |_| &t[3..]);
        let pairs = if body.starts_with("postgresql://") || body.starts_with("postgres://") {
            url_pairs(body)?
        } else {
            kv_pairs(body)?
        };
        let mut spec = ConnSpec {
            host: String::new(),
            port: 0,
            dbname: String::new(),
            user: String::new(),
            password: None,
            table: None,
        };
        for (k, v) in pairs {
            match k.as_str() {
                "host" | "hostaddr" => spec.host = v,
                "port" => spec.port = parse_port(&v)?,
                "dbname" | "database" => spec.dbname = v,
                "user" => spec.user = v,
                "password" => spec.password = Some(v),
                "table" | "tables" | "layer" => {
                    let first = v.split(',').next().unwrap_or_default();
                    spec.table = Some(TableName::parse(first)?);
                }
                other => {
                    return Err(PgError::BadSpec(format!(
                        "unknown key “{other}” (use host, port, dbname, user, password, table)"
                    )));
                }
            }
        }
        if spec.host.is_empty() {
            spec.host = env.host.clone().unwrap_or_else(|| "localhost".into());
        }
        if spec.port == 0 {
            spec.port = match &env.port {
                Some(p) => parse_port(p)?,
                None => DEFAULT_PORT,
            };
        }
        if spec.user.is_empty() {
            spec.user = env.user.clone().unwrap_or_else(|| "postgres".into());
        }
        if spec.dbname.is_empty() {
            spec.dbname = env.dbname.clone().unwrap_or_else(|| spec.user.clone());
        }
        if spec.password.is_none() {
            spec.password =
                env.password.clone().or_else(|| env.passfile.as_ref().and_then(|p| spec.password_from_file(p)));
        }
        Ok(spec)
    }

    /// `user@host:port/dbname`, for messages: no password.
    pub fn server(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.dbname)
    }

    /// `user@host:port/dbname schema.table`, for the layer list and notices: no password.
    pub fn display(&self) -> String {
        match &self.table {
            Some(t) => format!("{} {t}", self.server()),
            None => self.server(),
        }
    }

    /// The connection text without the password, for a workspace or the command line: reading
    /// it back with [`ConnSpec::parse`] gives the same spec, less the password.
    pub fn to_spec(&self) -> String {
        let mut s = format!(
            "PG:host={} port={} dbname={} user={}",
            quote_value(&self.host),
            self.port,
            quote_value(&self.dbname),
            quote_value(&self.user)
        );
        if let Some(t) = &self.table {
            s.push_str(&format!(
                " table={}",
                quote_value(&format!("{}.{}", dotted_part(&t.schema), dotted_part(&t.name)))
            ));
        }
        s
    }

    /// The same connection with another table.
    pub fn with_table(&self, table: TableName) -> Self {
        Self { table: Some(table), ..self.clone() }
    }

    /// The password for this host, port, database and user from a libpq password file
    /// (`host:port:db:user:password`, `*` matching anything, `\:` and `\\` escaped).
    fn password_from_file(&self, path: &std::path::Path) -> Option<String> {
        let text = std::fs::read_to_string(path).ok()?;
        let port = self.port.to_string();
        let wanted = [self.host.as_str(), port.as_str(), self.dbname.as_str(), self.user.as_str()];
        text.lines().filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty()).find_map(|line| {
            let fields = split_passfile_line(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = fields.iter().zip(wanted).all(|(f, w)| f == "*" || f == w);
            matches.then(|| fields[4].clone())
        })
    }

    /// Connect, with [`CONNECT_TIMEOUT`] and the application name `kuiwen-atlas` (so a DBA sees
    /// who is connected). Without a password the server may still let in a trusted or peer user;
    /// if it asks for one, the error is [`PgError::NeedsPassword`].
    pub fn connect(&self) -> Result<postgres::Client, PgError> {
        let mut config = postgres::Config::new();
        config
            .host(&self.host)
            .port(self.port)
            .dbname(&self.dbname)
            .user(&self.user)
            .application_name("kuiwen-atlas")
            .connect_timeout(CONNECT_TIMEOUT)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(30));
        if let Some(p) = &self.password {
            config.password(p);
        }
        config.connect(postgres::NoTls).map_err(|e| {
            let d = detail(&e);
            if self.password.is_none() && d.contains("password missing") {
                PgError::NeedsPassword { server: self.server() }
            } else {
                PgError::Connect { server: self.server(), detail: d }
            }
        })
    }
}

fn parse_port(v: &str) -> Result<u16, PgError> {
    v.trim()
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| PgError::BadSpec(format!("port “{v}” is not a port number")))
}

fn dotted_part(name: &str) -> String {
    if name.contains(['.', '"']) { quote_ident(name) } else { name.to_owned() }
}

fn quote_value(v: &str) -> String {
    if v.is_empty() || v.contains([' ', '\'', '\\']) {
        format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
    } else {
        v.to_owned()
    }
}

/// `key=value key='value with spaces'` pairs, libpq's keyword form.
fn kv_pairs(body: &str) -> Result<Vec<(String, String)>, PgError> {
    let mut out = Vec::new();
    let mut chars = body.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(PgError::BadSpec(format!("“{key}” has no value (write {key}=…)")));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    }
                    '\'' => {
                        closed = true;
                        break;
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(PgError::BadSpec(format!("the value of “{key}” has no closing quote")));
            }
        } else {
            // Double quotes (a table name with a space or a dot) keep spaces in the value.
            let mut in_double = false;
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() && !in_double {
                    break;
                }
                in_double ^= c == '"';
                value.push(c);
                chars.next();
            }
        }
        out.push((key.to_ascii_lowercase(), value));
    }
}

/// `postgresql://user:password@host:port/dbname?table=…` as key/value pairs.
fn url_pairs(url: &str) -> Result<Vec<(String, String)>, PgError> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = main.split_once('/').unwrap_or((main, ""));
    let mut out = Vec::new();
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    if let Some(u) = userinfo {
        let (user, pass) = u.split_once(':').map_or((u, None), |(a, b)| (a, Some(b)));
        if !user.is_empty() {
            out.push(("user".into(), percent_decode(user)?));
        }
        if let Some(p) = pass {
            out.push(("password".into(), percent_decode(p)?));
        }
    }
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || hostport.starts_with('[') => (h, Some(p)),
        _ => (hostport, None),
    };
    if !host.is_empty() {
        out.push(("host".into(), percent_decode(host.trim_start_matches('[').trim_end_matches(']'))?));
    }
    if let Some(p) = port.filter(|p| !p.is_empty()) {
        out.push(("port".into(), p.to_owned()));
    }
    if !path.is_empty() {
        out.push(("dbname".into(), percent_decode(path)?));
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((k.to_ascii_lowercase(), percent_decode(v)?));
    }
    Ok(out)
}

fn percent_decode(s: &str) -> Result<String, PgError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                None => return Err(PgError::BadSpec(format!("bad %-escape in “{s}”"))),
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| PgError::BadSpec(format!("“{s}” is not UTF-8 once decoded")))
}

fn split_passfile_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(f)) = (chars.next(), fields.last_mut()) {
                    f.push(n);
                }
            }
            ':' => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> PgEnv {
        PgEnv { user: Some("planner".into()), ..PgEnv::default() }
    }

    #[test]
    fn gdal_style_text_with_quotes_and_a_chinese_table() {
        let s =
            ConnSpec::parse("PG:host=10.1.2.3 port=5433 dbname='规划 库' user=gis tables=规划.\"公园 2024\"", &env())
                .expect("parses");
        assert_eq!(s.host, "10.1.2.3");
        assert_eq!(s.port, 5433);
        assert_eq!(s.dbname, "规划 库");
        assert_eq!(s.user, "gis");
        assert_eq!(s.table, Some(TableName { schema: "规划".into(), name: "公园 2024".into() }));
        assert_eq!(s.table.as_ref().map(TableName::quoted).as_deref(), Some("\"规划\".\"公园 2024\""));
        // The text written back reads as the same spec.
        assert_eq!(ConnSpec::parse(&s.to_spec(), &env()).expect("reparses"), s);
    }

    #[test]
    fn url_form_and_defaults_from_the_environment() {
        let s = ConnSpec::parse("postgresql://gis:s%40cret@db.local/kuiwen?table=parks", &env()).expect("parses");
        assert_eq!((s.user.as_str(), s.password.as_deref(), s.host.as_str()), ("gis", Some("s@cret"), "db.local"));
        assert_eq!((s.port, s.dbname.as_str()), (5432, "kuiwen"));
        let e = PgEnv { host: Some("pg.kuiwen".into()), port: Some("6543".into()), ..env() };
        let d = ConnSpec::parse("PG:table=parks", &e).expect("parses");
        assert_eq!(
            (d.host.as_str(), d.port, d.user.as_str(), d.dbname.as_str()),
            ("pg.kuiwen", 6543, "planner", "planner")
        );
    }

    #[test]
    fn the_password_is_never_shown_or_saved() {
        let s = ConnSpec::parse("PG:host=h user=u password='top secret' dbname=d table=t", &env()).expect("parses");
        assert_eq!(s.password.as_deref(), Some("top secret"));
        for shown in [s.display(), s.to_spec(), format!("{s:?}"), s.server()] {
            assert!(!shown.contains("secret"), "{shown}");
        }
    }

    #[test]
    fn password_file_lines_match_by_host_port_db_and_user() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("pgpass");
        std::fs::write(&file, "# comment\nother:5432:*:gis:wrong\nh:5432:*:gis:pa\\:ss\n*:*:*:*:fallback\n")
            .expect("write");
        let e = PgEnv { passfile: Some(file), ..env() };
        let s = ConnSpec::parse("PG:host=h user=gis dbname=x", &e).expect("parses");
        assert_eq!(s.password.as_deref(), Some("pa:ss"));
        let t = ConnSpec::parse("PG:host=elsewhere user=gis dbname=x", &e).expect("parses");
        assert_eq!(t.password.as_deref(), Some("fallback"));
        // PGPASSWORD comes before the file, as in libpq.
        let p = ConnSpec::parse("PG:host=h user=gis", &PgEnv { password: Some("env".into()), ..e }).expect("parses");
        assert_eq!(p.password.as_deref(), Some("env"));
    }

    #[test]
    fn bad_texts_say_what_is_wrong() {
        for (text, says) in [
            ("PG:host=h port=abc", "port"),
            ("PG:host=h sslmode=require", "sslmode"),
            ("PG:dbname='open", "closing quote"),
            ("PG:host", "no value"),
            ("PG:table=a.b.c", "schema.table"),
        ] {
            let e = ConnSpec::parse(text, &env()).expect_err(text);
            assert!(e.to_string().contains(says), "{text}: {e}");
        }
        assert!(
            ConnSpec::is_spec("pg:host=x") && ConnSpec::is_spec("postgresql://x") && !ConnSpec::is_spec("parks.shp")
        );
    }
}
