#!/usr/bin/env bash
# Times A1 print layouts at 300 dpi, whole process (open, lay out, draw, encode, write), for the
# embedded data and for the generated 200,000-building city, as JPEG and as PDF; RUNS runs each,
# the median and the peak memory reported.
#
#   bash scripts/bench_print.sh [RUNS]
#
# Needs a release build (`cargo build --release`) and makes the city file once with
# `cargo run --release --example gen_city`.
set -euo pipefail
runs=${1:-3}
cd "$(dirname "$0")/.."
bin=./target/release/kuiwen-atlas
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KUIWEN_CACHE_DIR=$work/cache KUIWEN_CONFIG_DIR=$work/config KUIWEN_DATA_DIR=$work/data
city=${CITY:-/tmp/kuiwen-city-200k.geojson}
[ -f "$city" ] || cargo run --release -q --example gen_city -- "$city" 200000 20000
time_one() { # label, args… → "seconds peak_kib"
  /usr/bin/time -f "%e %M" -o "$work/t" "$bin" render --basemap none --timeout 120 "$@" >/dev/null 2>"$work/err" \
    || { cat "$work/err" >&2; exit 1; }
  cat "$work/t"
}
for what in embedded city; do
  for ext in jpg pdf; do
    files=(); [ "$what" = city ] && files=("$city")
    times=(); peak=0
    for _ in $(seq "$runs"); do
      read -r s kib < <(time_one --layout A1-landscape --dpi 300 --out "$work/a1.$ext" "${files[@]}")
      times+=("$s"); [ "$kib" -gt "$peak" ] && peak=$kib
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    size=$(stat -c %s "$work/a1.$ext")
    printf '%-8s A1 300 dpi %-4s median %5.2f s of %d (%s), peak %d MiB, file %.1f MB\n' \
      "$what" "$ext" "$median" "$runs" "${times[*]}" $((peak / 1024)) "$(echo "$size / 1048576" | bc -l)"
  done
done
