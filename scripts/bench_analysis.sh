#!/usr/bin/env bash
# Spatial analysis speed against GDAL/SpatiaLite (the engine under QGIS) on 200,000 generated
# buildings and the embedded 413 grids, in one run.
#
#   bash scripts/bench_analysis.sh [RUNS]        # RUNS defaults to 3; run from anywhere
#
# Environment:
#   BENCH_DIR  where the data lives (default /tmp/bench_analysis); city.geojson is made once and
#              reused while present; bench.sqlite is rebuilt every run so its time is reported
#   KUIWEN_BIN the binary to time (default ./target/release/kuiwen-atlas; built if absent)
#   OURS=0     time GDAL only (e.g. before kuiwen-atlas has the stats/overlay commands)
#
# The two operations, both with exact clipping at the grid edges and geodesic (ellipsoid) areas:
#   stats:   per grid, the count of buildings intersecting it, the area of buildings inside it,
#            the sum of floors weighted by the share of each building's area inside it
#   overlay: every grid x building pair with an overlap area > 0, with that area (no geometry)
# Ours reads city.geojson directly; GDAL works on a SpatiaLite copy with R-tree indexes (the
# conversion is timed once and printed apart). Each round alternates ours stats, GDAL stats,
# ours overlay, GDAL overlay; the table shows medians of: our `analysis_ms=` (compute only, from
# stderr), our whole process (incl. reading the 60 MB file), GDAL's query (ogr2ogr process).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [RUNS]  (RUNS a positive integer, default 3)" >&2; exit 2; }
dir=${BENCH_DIR:-/tmp/bench_analysis}
bin=${KUIWEN_BIN:-./target/release/kuiwen-atlas}
ours=${OURS:-1}
grids_file=geodata/grids.geojson   # what the embedded layer `grids` is built from
mkdir -p "$dir"
city=$dir/city.geojson
db=$dir/bench.sqlite
command -v ogr2ogr >/dev/null || { echo "ogr2ogr (gdal-bin) is required" >&2; exit 1; }

# --- Data: 200,000 buildings, no roads (~55 MiB), reproducible ---------------------------------
if [[ ! -s $city ]]; then
  if [[ -x target/release/examples/gen_city ]]; then
    target/release/examples/gen_city "$city" 200000 0
  else
    cargo run --release --quiet --example gen_city -- "$city" 200000 0
  fi
fi
if [[ $ours == 1 && ! -x $bin ]]; then
  cargo build --release --quiet --bin kuiwen-atlas
fi

now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f", e - s }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# --- GDAL side: one SpatiaLite database with both layers and their R-tree indexes ---------------
# Grids keep only `name`; buildings keep all fields (floors is used). Both stay in EPSG:4326.
rm -f "$db"
t0=$(now)
ogr2ogr -f SQLite -dsco SPATIALITE=YES -lco SPATIAL_INDEX=YES -nln grids -select name "$db" "$grids_file"
ogr2ogr -update -f SQLite -lco SPATIAL_INDEX=YES -nln buildings -nlt POLYGON -gt 65536 "$db" "$city"
conv_s=$(elapsed "$t0" "$(now)")

# Candidate pairs come from SpatiaLite's SpatialIndex virtual table (the R-tree of buildings,
# probed with each grid's bounding box), then an exact ST_Intersects. A building the grid covers
# needs no clipping (its area is ST_Area of the building: the same number, ~40% less time), the
# others are clipped with ST_Intersection. ST_Area(geom, 1) is the area on the WGS84 ellipsoid
# (librttopo). MATERIALIZED keeps SQLite from evaluating the geometry expressions twice.
pairs_cte="
  FROM grids g JOIN buildings b
    ON b.ROWID IN (SELECT ROWID FROM SpatialIndex
                   WHERE f_table_name = 'buildings' AND search_frame = g.GEOMETRY)
   AND ST_Intersects(g.GEOMETRY, b.GEOMETRY)"
cat > "$dir/stats.sql" <<EOF
WITH p AS MATERIALIZED (
  SELECT g.ogc_fid AS gid, b.floors AS f,
         ST_Area(b.GEOMETRY, 1) AS ba,
         CASE WHEN ST_Covers(g.GEOMETRY, b.GEOMETRY) THEN NULL
              ELSE ST_Area(ST_Intersection(g.GEOMETRY, b.GEOMETRY), 1) END AS ia
  $pairs_cte)
SELECT g.name AS name, count(p.gid) AS n,
       coalesce(sum(coalesce(p.ia, p.ba)), 0.0) AS area_m2,
       coalesce(sum(p.f * coalesce(p.ia, p.ba) / p.ba), 0.0) AS floors_w
FROM grids g LEFT JOIN p ON p.gid = g.ogc_fid
GROUP BY g.ogc_fid ORDER BY g.ogc_fid
EOF
cat > "$dir/overlay.sql" <<EOF
WITH p AS MATERIALIZED (
  SELECT g.name AS grid, b.id AS building,
         CASE WHEN ST_Covers(g.GEOMETRY, b.GEOMETRY) THEN ST_Area(b.GEOMETRY, 1)
              ELSE ST_Area(ST_Intersection(g.GEOMETRY, b.GEOMETRY), 1) END AS area_m2
  $pairs_cte)
SELECT grid, building, area_m2 FROM p WHERE area_m2 > 0
EOF

# Both helpers run inside $(...), where a failure must exit explicitly to stop the script.
# One timed GDAL query: whole ogr2ogr process, CSV result kept in $dir for the sanity lines.
gdal_query() {  # NAME -> prints seconds
  local s; s=$(now)
  ogr2ogr -f CSV /vsistdout/ "$db" -sql "@$dir/$1.sql" > "$dir/gdal_$1.csv" || { echo "ogr2ogr failed on $1.sql" >&2; exit 1; }
  elapsed "$s" "$(now)"
}
# One timed run of ours: whole process wall time and the analysis_ms= line from stderr.
ours_run() {  # ARGS... -> prints "WALL_S ANALYSIS_MS"
  local s e ms
  s=$(now)
  "$bin" "$@" > /dev/null 2> "$dir/ours.stderr" || { echo "failed: $bin $*" >&2; cat "$dir/ours.stderr" >&2; exit 1; }
  e=$(now)
  ms=$(grep -o 'analysis_ms=[0-9.]*' "$dir/ours.stderr" | tail -1 | cut -d= -f2)
  [[ -n $ms ]] || { echo "no analysis_ms= on stderr of: $bin $*" >&2; cat "$dir/ours.stderr" >&2; exit 1; }
  echo "$(elapsed "$s" "$e") $ms"
}

o_stats_ms=(); o_stats_wall=(); g_stats=(); o_ov_ms=(); o_ov_wall=(); g_ov=()
for i in $(seq "$runs"); do
  if [[ $ours == 1 ]]; then
    r=$(ours_run stats "$city" --by grids --json); read -r w ms <<< "$r"; o_stats_wall+=("$w"); o_stats_ms+=("$ms")
  fi
  g_stats+=("$(gdal_query stats)")
  if [[ $ours == 1 ]]; then
    r=$(ours_run overlay grids "$city" --json); read -r w ms <<< "$r"; o_ov_wall+=("$w"); o_ov_ms+=("$ms")
  fi
  g_ov+=("$(gdal_query overlay)")
  line="round $i: GDAL stats ${g_stats[-1]} s, overlay ${g_ov[-1]} s"
  [[ $ours == 1 ]] && line+=" | ours stats ${o_stats_ms[-1]} ms / ${o_stats_wall[-1]} s, overlay ${o_ov_ms[-1]} ms / ${o_ov_wall[-1]} s"
  echo "$line"
done

# --- Results ---------------------------------------------------------------------------------
echo
echo "GDAL conversion GeoJSON -> SpatiaLite (+ R-tree), once: ${conv_s} s (not in the table)"
printf '%-9s %16s %16s %12s\n' operation "ours analysis s" "ours process s" "GDAL s"
row() {  # NAME MS_ARRAY_NAME WALL_ARRAY_NAME GDAL_ARRAY_NAME
  local -n ms=$2 wall=$3 gd=$4
  local a="-" p="-"
  if ((${#ms[@]})); then
    a=$(awk -v m="$(median "${ms[@]}")" 'BEGIN { printf "%.3f", m / 1000 }')
    p=$(median "${wall[@]}")
  fi
  printf '%-9s %16s %16s %12s\n' "$1" "$a" "$p" "$(median "${gd[@]}")"
}
row stats o_stats_ms o_stats_wall g_stats
row overlay o_ov_ms o_ov_wall g_ov
echo "medians of $runs rounds; the machine's other load counts (GDAL runs on one core)"

# Sanity figures from GDAL's last results (compare with ours).
awk -F, 'NR > 1 { gsub(/"/, "", $2); n += $2; a += $3; f += $4; if ($2 > 0) k++ }
         END { printf "GDAL stats:   %d grids, %d with buildings, %d grid x building intersections, %.2f m2 inside grids, floors_w sum %.2f\n", NR - 1, k, n, a, f }' "$dir/gdal_stats.csv"
awk -F, 'NR > 1 { a += $3; b[$2] = 1 } END { printf "GDAL overlay: %d pairs with area > 0, %d distinct buildings, %.2f m2\n", NR - 1, length(b), a }' "$dir/gdal_overlay.csv"
