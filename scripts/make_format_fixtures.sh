#!/usr/bin/env bash
# Small real-world fixtures for the multi-format reader, written by GDAL's ogr2ogr
# (plus a few python steps for what GDAL cannot write as wanted) from the embedded
# GeoJSON layers in geodata/ (WGS84, RFC 7946).
#
#   bash scripts/make_format_fixtures.sh        # run from anywhere; writes tests/fixtures/formats/
#
# Idempotent: every output is removed before it is written again. Needs gdal-bin
# (ogr2ogr with ESRI Shapefile, GPKG, KML, CSV, FlatGeobuf, DXF, OpenFileGDB) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v ogr2ogr >/dev/null || { echo "ogr2ogr not found: apt-get install gdal-bin" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 1; }

out=tests/fixtures/formats
mkdir -p "$out"
gdal_version=$(ogr2ogr --version)
# Quiet progress; GDAL warnings (field-name laundering, 254-byte DBF truncation) still go to stderr.
o2o() { ogr2ogr -q "$@"; }

# Remove everything this script writes, so a rerun starts clean.
rm -rf "$out"/parks_4528_gbk "$out"/parks_4528_ldid "$out"/districts_4549_utf8 "$out"/parks_4528_nodbf \
  "$out"/parks.gdb
rm -f "$out"/parks_4528.geojson "$out"/kuiwen.gpkg "$out"/parks.kml "$out"/parks.kmz \
  "$out"/facilities_gb18030.csv "$out"/facilities_4549_xy.csv "$out"/facilities_4549_xy.prj \
  "$out"/districts_wkt.csv "$out"/districts_wkt.prj "$out"/parks.fgb "$out"/parks_4549.dxf "$out"/README.md

# 1. Shapefile, EPSG:4528, GBK attributes, no .cpg and LDID zeroed: nothing names the encoding.
mkdir -p "$out"/parks_4528_gbk
o2o -f "ESRI Shapefile" -t_srs EPSG:4528 -lco ENCODING=CP936 "$out"/parks_4528_gbk/parks.shp geodata/parks.geojson
rm -f "$out"/parks_4528_gbk/parks.cpg
python3 - "$out"/parks_4528_gbk/parks.dbf <<'PY'
import sys
path = sys.argv[1]
with open(path, "r+b") as f:
    f.seek(29)
    f.write(b"\x00")
data = open(path, "rb").read()
assert data[29] == 0, "LDID not zeroed"
assert "齐鲁创智园".encode("gbk") in data, "GBK-encoded name missing from the DBF"
assert "齐鲁创智园".encode("utf-8") not in data, "DBF holds UTF-8, not GBK"
PY

# 2. Same shapefile, but the encoding named only by the DBF language-driver byte: 0x4D (77) = CP936.
# GDAL 3.6 writes LDID 0x00 plus a .cpg for ENCODING=CP936; ENCODING=LDID/77 is GDAL's own way to
# write LDID 0x4D, no .cpg, and still recode the attributes to CP936. (rm of a .cpg is a no-op guard.)
mkdir -p "$out"/parks_4528_ldid
o2o -f "ESRI Shapefile" -t_srs EPSG:4528 -lco ENCODING=LDID/77 "$out"/parks_4528_ldid/parks.shp geodata/parks.geojson
rm -f "$out"/parks_4528_ldid/parks.cpg
python3 - "$out"/parks_4528_ldid/parks.dbf <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
assert "齐鲁创智园".encode("gbk") in data, "GBK-encoded name missing from the DBF"
assert data[29] == 0x4D, f"LDID is 0x{data[29]:02X}, expected 0x4D"
PY

# 3. Shapefile, EPSG:4549, UTF-8 attributes, .cpg says UTF-8.
mkdir -p "$out"/districts_4549_utf8
o2o -f "ESRI Shapefile" -t_srs EPSG:4549 -lco ENCODING=UTF-8 \
  "$out"/districts_4549_utf8/development_districts.shp geodata/development_districts.geojson

# 4. GeoJSON in EPSG:4528 with a legacy `crs` member (not RFC 7946).
o2o -f GeoJSON -t_srs EPSG:4528 -lco RFC7946=NO -lco COORDINATE_PRECISION=3 \
  "$out"/parks_4528.geojson geodata/parks.geojson

# 5. GeoPackage with three layers in three CRSs. SQLite page size 1 KiB (default 4 KiB) keeps the
# mostly-empty pages of the R-tree and metadata tables small: ~100 KB instead of ~190 KB.
o2o --config OGR_SQLITE_PRAGMA page_size=1024 -f GPKG -t_srs EPSG:4528 -nln parks "$out"/kuiwen.gpkg geodata/parks.geojson
o2o -f GPKG -update -t_srs EPSG:4490 -nln facilities -limit 40 "$out"/kuiwen.gpkg geodata/facilities.geojson
o2o -f GPKG -update -t_srs EPSG:4326 -nln development_districts "$out"/kuiwen.gpkg geodata/development_districts.geojson

# 6. KML (GDAL's KML driver) and the same document zipped as KMZ (doc.kml).
o2o -f KML -dsco NameField=name "$out"/parks.kml geodata/parks.geojson
python3 - "$out"/parks.kml "$out"/parks.kmz <<'PY'
import sys, zipfile
# Fixed timestamp so reruns give the same bytes.
info = zipfile.ZipInfo("doc.kml", date_time=(2020, 1, 1, 0, 0, 0))
info.compress_type = zipfile.ZIP_DEFLATED
with zipfile.ZipFile(sys.argv[2], "w") as z:
    z.writestr(info, open(sys.argv[1], "rb").read())
PY

# 7. CSV, GB18030, Chinese headers, lon/lat columns (written by python; GDAL cannot name columns in Chinese here).
python3 - geodata/facilities.geojson "$out"/facilities_gb18030.csv <<'PY'
import csv, json, sys
features = json.load(open(sys.argv[1], encoding="utf-8"))["features"][:40]
with open(sys.argv[2], "w", encoding="gb18030", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["名称", "类别", "经度", "纬度"])
    for ft in features:
        lon, lat = ft["geometry"]["coordinates"][:2]
        p = ft["properties"]
        w.writerow([p["name"], p["category"], f"{lon:.7f}", f"{lat:.7f}"])
data = open(sys.argv[2], "rb").read()
assert "名称".encode("gb18030") in data
PY

# 8. CSV, EPSG:4549 metres in X/Y columns, UTF-8.
o2o -f CSV -t_srs EPSG:4549 -lco GEOMETRY=AS_XY -select name,category -limit 40 \
  "$out"/facilities_4549_xy.csv geodata/facilities.geojson

# 9. CSV with a WKT geometry column, WGS84, UTF-8.
o2o -f CSV -lco GEOMETRY=AS_WKT "$out"/districts_wkt.csv geodata/development_districts.geojson

# 10. FlatGeobuf, WGS84.
o2o -f FlatGeobuf "$out"/parks.fgb geodata/parks.geojson

# 11. DXF in EPSG:4549 (closed LWPOLYLINEs on layer "0", not HATCH, which the dxf crate cannot read; attributes are dropped,
# with one "does not support arbitrary field creation" error per field, filtered out here).
o2o --config DXF_WRITE_HATCH NO -f DXF -t_srs EPSG:4549 "$out"/parks_4549.dxf geodata/parks.geojson \
  2> >(grep -v 'does not support arbitrary field creation' >&2)

# 12. File Geodatabase (OpenFileGDB driver), layer parks, EPSG:4528.
o2o -f OpenFileGDB -t_srs EPSG:4528 -nln parks "$out"/parks.gdb geodata/parks.geojson

# 13. Shapefile missing its .dbf (for the missing-part error).
mkdir -p "$out"/parks_4528_nodbf
o2o -f "ESRI Shapefile" -t_srs EPSG:4528 -lco ENCODING=UTF-8 "$out"/parks_4528_nodbf/parks.shp geodata/parks.geojson
rm -f "$out"/parks_4528_nodbf/parks.dbf "$out"/parks_4528_nodbf/parks.cpg

# The CSV driver leaves no .prj, but drop one if a future GDAL does, so the CSVs stay as described.
rm -f "$out"/facilities_4549_xy.prj "$out"/districts_wkt.prj

cat >"$out"/README.md <<EOF
# Format fixtures

Made by \`scripts/make_format_fixtures.sh\` with ${gdal_version}, from the GeoJSON layers in \`geodata/\`
(WGS84, RFC 7946). Rerun the script to remake them; do not edit by hand. \`ogr2ogr\` ran with \`-q\`.
In the shapefiles GDAL launders field names to 10 bytes (\`drawn_area_km2\` -> \`drawn_area\`,
\`output_target_years\` -> \`output_t_1\`, ...) and cuts the long \`source\` text to 254 bytes. Every
GDAL-written layer also has a string field \`id\` (the GeoJSON string feature ids).

- \`parks_4528_gbk/parks.{shp,shx,dbf,prj}\`: parks polygons, EPSG:4528, attributes in GBK with no \`.cpg\` and the DBF language-driver byte (offset 29) set to 0x00, so only the bytes tell the encoding. \`ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4528 -lco ENCODING=CP936 parks_4528_gbk/parks.shp geodata/parks.geojson\`, then \`rm parks.cpg\` and byte 29 of \`parks.dbf\` := 0 (python).
- \`parks_4528_ldid/parks.{shp,shx,dbf,prj}\`: the same GBK attributes, no \`.cpg\`, but the DBF language-driver byte is 0x4D (77 = CP936), as GDAL writes it for \`ENCODING=LDID/77\` (with \`ENCODING=CP936\` GDAL writes LDID 0x00 and a \`.cpg\` instead). \`ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4528 -lco ENCODING=LDID/77 parks_4528_ldid/parks.shp geodata/parks.geojson\`
- \`districts_4549_utf8/development_districts.{shp,shx,dbf,prj,cpg}\`: development districts, EPSG:4549, UTF-8 attributes, \`.cpg\` = UTF-8. \`ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4549 -lco ENCODING=UTF-8 districts_4549_utf8/development_districts.shp geodata/development_districts.geojson\`
- \`parks_4528.geojson\`: parks in EPSG:4528 with a legacy \`crs\` member \`urn:ogc:def:crs:EPSG::4528\`, 3 decimals. \`ogr2ogr -f GeoJSON -t_srs EPSG:4528 -lco RFC7946=NO -lco COORDINATE_PRECISION=3 parks_4528.geojson geodata/parks.geojson\`
- \`kuiwen.gpkg\`: GeoPackage, layers \`parks\` (EPSG:4528), \`facilities\` (first 40, EPSG:4490), \`development_districts\` (EPSG:4326). \`ogr2ogr --config OGR_SQLITE_PRAGMA page_size=1024 -f GPKG -t_srs EPSG:4528 -nln parks kuiwen.gpkg geodata/parks.geojson\`; \`ogr2ogr -f GPKG -update -t_srs EPSG:4490 -nln facilities -limit 40 kuiwen.gpkg geodata/facilities.geojson\`; \`ogr2ogr -f GPKG -update -t_srs EPSG:4326 -nln development_districts kuiwen.gpkg geodata/development_districts.geojson\`
- \`parks.kml\`: KML (GDAL KML driver), WGS84, \`<name>\` from \`name\`, \`<description>\` from \`description\`, the other fields as \`ExtendedData/SchemaData\`. \`ogr2ogr -f KML -dsco NameField=name parks.kml geodata/parks.geojson\`
- \`parks.kmz\`: zip (deflate) holding \`parks.kml\` as \`doc.kml\`. python \`zipfile\`, entry \`doc.kml\` with a fixed 2020-01-01 timestamp so reruns give the same bytes (see the script).
- \`facilities_gb18030.csv\`: first 40 facilities, GB18030, comma-separated, LF line ends, header \`名称,类别,经度,纬度\` (name, category, lon, lat with 7 decimals), WGS84. python \`csv.writer\` from \`geodata/facilities.geojson\` (see the script).
- \`facilities_4549_xy.csv\`: the same 40 points, UTF-8, header \`X,Y,name,category\` (GDAL puts X,Y first), X/Y in EPSG:4549 metres (%.15g), no \`.prj\` (nothing in the file names the CRS). \`ogr2ogr -f CSV -t_srs EPSG:4549 -lco GEOMETRY=AS_XY -select name,category -limit 40 facilities_4549_xy.csv geodata/facilities.geojson\`
- \`districts_wkt.csv\`: development districts, UTF-8, WGS84, first column \`WKT\` (POLYGON text), then the properties. \`ogr2ogr -f CSV -lco GEOMETRY=AS_WKT districts_wkt.csv geodata/development_districts.geojson\`
- \`parks.fgb\`: FlatGeobuf, WGS84, with GDAL's packed R-tree index. \`ogr2ogr -f FlatGeobuf parks.fgb geodata/parks.geojson\`
- \`parks_4549.dxf\`: DXF (\`\$ACADVER\` AC1018), parks in EPSG:4549 metres (the file names no CRS); with \`DXF_WRITE_HATCH NO\` GDAL writes each polygon as a closed LWPOLYLINE, all on layer \`0\`, and drops the attributes. \`ogr2ogr --config DXF_WRITE_HATCH NO -f DXF -t_srs EPSG:4549 parks_4549.dxf geodata/parks.geojson\`
- \`parks.gdb/\`: File Geodatabase (OpenFileGDB driver), layer \`parks\`, EPSG:4528. \`ogr2ogr -f OpenFileGDB -t_srs EPSG:4528 -nln parks parks.gdb geodata/parks.geojson\`
- \`parks_4528_nodbf/parks.{shp,shx,prj}\`: parks, EPSG:4528, with the \`.dbf\` (and \`.cpg\`) deleted, for the missing-part error. \`ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4528 -lco ENCODING=UTF-8 parks_4528_nodbf/parks.shp geodata/parks.geojson\`, then \`rm parks.dbf parks.cpg\`. (GDAL itself still opens it: 8 features, no fields.)
EOF

echo "fixtures written to $out:"
find "$out" -type f -printf '%s\t%p\n' | sort -k2
