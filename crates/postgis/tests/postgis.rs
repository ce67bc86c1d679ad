//! PostGIS layers against a real PostgreSQL 15 + PostGIS 3 started for each test in a temporary
//! folder (`kuiwen_postgis::testing`): publishing and reading back in CGCS2000 Gauss-Krüger, the
//! catalogue, reading by view, live updates by poll and by NOTIFY, and a server killed under a
//! live layer.

use std::time::{Duration, Instant};

use geo::{Coord, CoordsIter, Distance, Geodesic, Point};
use kuiwen_core::io::embedded;
use kuiwen_core::model::{Feature, diff};
use kuiwen_postgis::testing::TestServer;
use kuiwen_postgis::{
    ConnSpec, Event, LiveOptions, LiveTable, PgEnv, PgError, PublishOptions, Scope, TableName, install_notify_trigger,
    list_tables, publish, read, table_info,
};
use serde_json::Value;

fn server() -> TestServer {
    TestServer::start().expect("a PostgreSQL + PostGIS test server (apt-get install postgresql-15-postgis-3)")
}

fn parks() -> Vec<Feature> {
    let f = embedded::FILES.iter().find(|f| f.file == "parks.geojson").expect("parks are embedded");
    embedded::load_one(f).expect("parks load").features
}

fn table(text: &str) -> TableName {
    TableName::parse(text).expect("table name")
}

fn coords(f: &Feature) -> Vec<Coord> {
    f.geometry.as_ref().map(|g| g.coords_iter().collect()).unwrap_or_default()
}

/// Wait for an event the predicate accepts, skipping others, up to `timeout`.
fn wait_for(live: &LiveTable, timeout: Duration, mut want: impl FnMut(&Event) -> bool) -> Option<Event> {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if let Some(e) = live.wait_event(end.saturating_duration_since(Instant::now())) {
            if want(&e) {
                return Some(e);
            }
            if let Event::Failed(e) = &e {
                panic!("the live layer failed: {e}");
            }
        }
    }
    None
}

#[test]
fn a_layer_published_in_epsg_4549_reads_back_within_5_cm_with_identical_chinese_text() {
    let pg = server();
    let mut client = pg.client().expect("client");
    let source = parks();
    let t = table("规划.公园 成果");
    let options = PublishOptions { srid: 4549, overwrite: false };
    let done = publish(&mut client, &t, &source, &options).expect("published");
    assert_eq!((done.rows, done.geometry_type.as_str(), done.srid, done.replaced), (8, "MultiPolygon", 4549, false));

    // Stored in Gauss-Krüger metres (zone CM 120°E: Kuiwen, at 119.2°E, is some 70 km west of it).
    let row = client
        .query_one("SELECT ST_SRID(geom), ST_X(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1)) FROM \"规划\".\"公园 成果\" LIMIT 1", &[])
        .expect("query");
    assert_eq!(row.get::<_, i32>(0), 4549);
    let x: f64 = row.get(1);
    assert!((400_000.0..480_000.0).contains(&x), "easting {x}");

    let info = table_info(&mut client, &pg.spec(None).server(), &t).expect("in the catalogue");
    assert_eq!((info.srid, info.geometry_type.as_str(), info.rows), (4549, "MULTIPOLYGON", Some(8)));
    assert_eq!(info.key_column.as_deref(), Some("ogc_fid"));
    let back = read(&mut client, &info, Scope::Whole).expect("read back").features;
    assert_eq!(back.len(), source.len());
    let mut worst_m: f64 = 0.0;
    for (a, b) in source.iter().zip(&back) {
        // Every text identical, numbers equal as numbers; ogc_fid is the id, not an attribute.
        // A column the feature had no value for is NULL in the table, and null when read back.
        for (k, w) in b.properties.iter() {
            assert!(a.properties.contains_key(k) || w.is_null(), "{k}: {w}");
        }
        for (k, v) in a.properties.iter() {
            let w = b.properties.get(k).unwrap_or_else(|| panic!("{k} missing"));
            match (v, w) {
                (Value::Number(x), Value::Number(y)) => assert_eq!(x.as_f64(), y.as_f64(), "{k}"),
                _ => assert_eq!(v, w, "{k}"),
            }
        }
        assert!(b.id.is_some());
        let (ca, cb) = (coords(a), coords(b));
        assert_eq!(ca.len(), cb.len());
        for (p, q) in ca.iter().zip(&cb) {
            worst_m = worst_m.max(Geodesic.distance(Point::from(*p), Point::from(*q)));
        }
    }
    assert!(worst_m < 0.05, "worst vertex {worst_m} m");
    assert_eq!(back[0].prop_str("name"), Some("齐鲁创智园"));

    // Not overwritten without confirmation, and the table is as it was.
    let again = publish(&mut client, &t, &source[..2], &options).expect_err("exists");
    assert!(matches!(again, PgError::Exists { .. }), "{again}");
    assert_eq!(read(&mut client, &info, Scope::Whole).expect("read").features.len(), 8);
    // Confirmed: replaced, in one transaction.
    let replaced =
        publish(&mut client, &t, &source[..2], &PublishOptions { overwrite: true, ..options }).expect("replaced");
    assert!(replaced.replaced);
    let info = table_info(&mut client, &pg.spec(None).server(), &t).expect("in the catalogue");
    assert_eq!(read(&mut client, &info, Scope::Whole).expect("read").features.len(), 2);
    // An SRID the server does not know fails before anything is written.
    let bad = publish(&mut client, &table("other"), &source, &PublishOptions { srid: 999_999, overwrite: false })
        .expect_err("unknown srid");
    assert!(matches!(bad, PgError::BadSrid { srid: 999_999, .. }), "{bad}");
    assert!(client.query_one("SELECT to_regclass('other') IS NULL", &[]).expect("q").get::<_, bool>(0));
}

#[test]
fn the_catalogue_lists_tables_and_views_with_type_srid_and_rows_and_names_what_is_wrong() {
    let pg = server();
    let mut client = pg.client().expect("client");
    client
        .batch_execute(
            "CREATE TABLE pts (id int PRIMARY KEY, 名称 text, geom geometry(Point, 4490));
             INSERT INTO pts SELECT i, '点' || i, ST_SetSRID(ST_MakePoint(119.1 + i * 0.001, 36.7), 4490) FROM generate_series(1, 25) i;
             CREATE VIEW pts_view AS SELECT id, geom FROM pts WHERE id <= 10;
             CREATE TABLE nosrid (geom geometry);
             INSERT INTO nosrid VALUES ('POINT(1 2)');",
        )
        .expect("setup");
    let server = pg.spec(None).server();
    let tables = list_tables(&mut client, &server).expect("listed");
    let names: Vec<String> = tables.iter().map(|t| t.table.to_string()).collect();
    assert_eq!(names, ["public.nosrid", "public.pts", "public.pts_view"]);
    let pts = &tables[1];
    assert_eq!((pts.geometry_type.as_str(), pts.srid, pts.rows, pts.rows_estimated), ("POINT", 4490, Some(25), false));
    assert_eq!(
        (pts.key_column.as_deref(), pts.columns.clone()),
        (Some("id"), vec!["id".to_owned(), "名称".to_owned()])
    );
    assert!(tables[2].is_view && tables[2].rows == Some(10));
    let got = read(&mut client, pts, Scope::Whole).expect("read").features;
    assert_eq!(got.len(), 25);
    assert_eq!((got[0].id.as_deref(), got[0].prop_str("名称")), (Some("1"), Some("点1")));
    // CGCS2000 and WGS84 agree to well under a metre: the server's transform leaves it in place.
    assert!((coords(&got[0])[0].x - 119.101).abs() < 1e-6);

    let e = read(&mut client, &tables[0], Scope::Whole).expect_err("srid 0");
    assert!(matches!(e, PgError::BadSrid { srid: 0, .. }) && e.to_string().contains("UpdateGeometrySRID"), "{e}");
    let e = table_info(&mut client, &server, &table("nothing")).expect_err("no table");
    assert!(matches!(e, PgError::NoTable { .. }), "{e}");
    client.batch_execute("CREATE DATABASE plain").expect("db");
    let plain = ConnSpec { dbname: "plain".into(), ..pg.spec(None) };
    let e = list_tables(&mut plain.connect().expect("connect"), &plain.server()).expect_err("no postgis");
    assert!(matches!(e, PgError::NoPostgis { .. }), "{e}");
    use kuiwen_core::i18n::Bilingual;
    assert!(e.zh().contains("未安装 PostGIS"), "{}", e.zh());

    // Nothing listens on a port just freed: the error names the server and says connect.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let nobody =
        ConnSpec::parse(&format!("PG:host=127.0.0.1 port={closed} dbname=x user=y"), &PgEnv::default()).expect("spec");
    let Err(e) = nobody.connect() else { panic!("connected to a closed port") };
    assert!(matches!(e, PgError::Connect { .. }) && e.to_string().contains(&format!("127.0.0.1:{closed}")), "{e}");
}

#[test]
fn a_big_table_is_read_by_view_and_simplified_on_the_server() {
    let pg = server();
    let mut client = pg.client().expect("client");
    // 60 000 round plots 20 m across on a 25 m grid in EPSG:4549 around Kuiwen: above the
    // whole-read limit.
    client
        .batch_execute(
            "CREATE TABLE blocks (gid serial PRIMARY KEY, 名称 text, geom geometry(Polygon, 4549));
             INSERT INTO blocks (名称, geom) SELECT '地块' || i,
               ST_Buffer(ST_SetSRID(ST_MakePoint(425010 + (i % 250) * 25, 4060010 + (i / 250) * 25), 4549), 10, 8)
             FROM generate_series(0, 59999) i;
             CREATE INDEX ON blocks USING GIST (geom); ANALYZE blocks;",
        )
        .expect("setup");
    let info = table_info(&mut client, &pg.spec(None).server(), &table("blocks")).expect("info");
    assert!(!info.read_whole(), "{:?}", info.rows);
    // A view of about 500 m × 500 m at the grid's south-west corner.
    let sw = client
        .query_one(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(425000, 4060000), 4549), 4326) p",
            &[],
        )
        .expect("corner");
    let (lon, lat): (f64, f64) = (sw.get(0), sw.get(1));
    let bbox = [lon, lat, lon + 500.0 / (111_320.0 * lat.to_radians().cos()), lat + 500.0 / 110_574.0];
    let view = read(&mut client, &info, Scope::View { bbox, tolerance_deg: 0.0 }).expect("view");
    // 20 or 21 columns by 20 or 21 rows of blocks, not 60 000.
    assert!((380..=484).contains(&view.features.len()), "{}", view.features.len());
    assert!(!view.truncated);
    for f in &view.features {
        let b = f.bbox.expect("bbox");
        // The index compares boxes in EPSG:4549: a block up to a box's width beyond the view's
        // edge may come too (drawn off screen), nothing further.
        let m = 50.0 / 111_000.0;
        assert!(b[2] >= bbox[0] - m && b[0] <= bbox[2] + m && b[3] >= bbox[1] - m && b[1] <= bbox[3] + m, "{b:?}");
    }
    // A tolerance of 3 m leaves each 33-vertex circle with fewer vertices.
    let coarse = read(&mut client, &info, Scope::View { bbox, tolerance_deg: 3.0 / 111_000.0 }).expect("coarse");
    let n = |fs: &[Feature]| fs.iter().map(|f| coords(f).len()).sum::<usize>();
    assert!(n(&coarse.features) < n(&view.features), "{} vs {}", n(&coarse.features), n(&view.features));
}

fn live_parks(pg: &TestServer, t: &str, options: LiveOptions) -> (LiveTable, Vec<Feature>) {
    let mut client = pg.client().expect("client");
    publish(&mut client, &table(t), &parks(), &PublishOptions { srid: 4549, overwrite: false }).expect("published");
    let live = LiveTable::start(pg.spec(Some(t)), options, || {}).expect("started");
    let Some(Event::Ready(info)) = wait_for(&live, Duration::from_secs(10), |e| matches!(e, Event::Ready(_))) else {
        panic!("not ready")
    };
    assert!(info.read_whole());
    let Some(Event::Read { features, .. }) =
        wait_for(&live, Duration::from_secs(10), |e| matches!(e, Event::Read { .. }))
    else {
        panic!("not read")
    };
    assert_eq!(features.len(), 8);
    (live, features)
}

/// An UPDATE in another connection reaches the live layer as a modification of that feature.
fn update_shows_as_modification(pg: &TestServer, live: &LiveTable, t: &str, before: &[Feature]) -> Duration {
    let mut other = pg.client().expect("second connection");
    let started = Instant::now();
    other
        .execute(
            &format!("UPDATE {} SET name = '齐鲁创智园（二期）' WHERE name = '齐鲁创智园'", table(t).quoted()),
            &[],
        )
        .expect("update");
    let Some(Event::Changed { features, .. }) =
        wait_for(live, Duration::from_secs(5), |e| matches!(e, Event::Changed { .. }))
    else {
        panic!("no change seen within 5 s")
    };
    let took = started.elapsed();
    let d = diff(before, &features);
    assert_eq!((d.added.len(), d.modified.len(), d.removed.len()), (0, 1, 0));
    assert_eq!(features[d.modified[0]].prop_str("name"), Some("齐鲁创智园（二期）"));
    took
}

#[test]
fn an_update_in_another_connection_shows_as_a_modification_within_2_s_by_poll_and_by_notify() {
    let pg = server();
    let (live, before) = live_parks(&pg, "parks_poll", LiveOptions::default());
    let polled = update_shows_as_modification(&pg, &live, "parks_poll", &before);
    assert!(polled < Duration::from_secs(2), "poll: {polled:?}");

    // With the trigger, the NOTIFY brings it: the poll is then 15 s, so only the notification
    // can have been this quick.
    let mut client = pg.client().expect("client");
    publish(&mut client, &table("parks_notify"), &parks(), &PublishOptions { srid: 4549, overwrite: false })
        .expect("published");
    install_notify_trigger(&mut client, &table("parks_notify")).expect("trigger");
    drop(live);
    let options = LiveOptions { poll: Duration::from_secs(60), ..LiveOptions::default() };
    let live = LiveTable::start(pg.spec(Some("parks_notify")), options, || {}).expect("started");
    let Some(Event::Read { features, .. }) =
        wait_for(&live, Duration::from_secs(10), |e| matches!(e, Event::Read { .. }))
    else {
        panic!("not read")
    };
    let notified = update_shows_as_modification(&pg, &live, "parks_notify", &features);
    assert!(notified < Duration::from_millis(1500), "notify: {notified:?}");
    eprintln!("change seen after {polled:?} by poll, {notified:?} by NOTIFY");
}

#[test]
fn a_killed_server_is_reported_once_and_the_layer_reconnects_and_catches_up() {
    let pg = server();
    let (live, before) = live_parks(&pg, "parks", LiveOptions::default());
    pg.kill().expect("killed");
    let Some(Event::Lost(e)) = wait_for(&live, Duration::from_secs(10), |e| matches!(e, Event::Lost(_))) else {
        panic!("loss not reported")
    };
    use kuiwen_core::i18n::Bilingual;
    assert!(e.zh().contains("127.0.0.1"), "{}", e.zh());
    // Reported once, not every retry.
    assert!(wait_for(&live, Duration::from_secs(3), |e| matches!(e, Event::Lost(_))).is_none());
    pg.start_again().expect("restarted");
    // A change made while the app was away arrives as a change after the reconnection.
    let mut other = pg.client().expect("client");
    other.execute("DELETE FROM parks WHERE name = '1532文化创意园'", &[]).expect("delete");
    assert!(wait_for(&live, Duration::from_secs(15), |e| matches!(e, Event::Restored)).is_some(), "no reconnection");
    let Some(Event::Changed { features, .. }) =
        wait_for(&live, Duration::from_secs(5), |e| matches!(e, Event::Changed { .. }))
    else {
        panic!("the change made while disconnected was not seen")
    };
    let d = diff(&before, &features);
    assert_eq!((d.added.len(), d.modified.len(), d.removed.len()), (0, 0, 1));
    assert_eq!(d.removed[0].prop_str("name"), Some("1532文化创意园"));
}
