#!/usr/bin/env bash
# The Debian package, tested as a planner's machine would meet it (CI runs this after the tests):
#   1. build it with scripts/package (--host-glibc --no-build: the program `cargo test --release` built);
#   2. check its control data and file list: program, desktop entry, MIME types, icons, licences;
#   3. unpack it with `dpkg -x` into an empty folder: desktop-file-validate on the desktop entry,
#      update-mime-database on the MIME file (*.kuiwen.json, *.shp, *.gpkg are ours), and the
#      unpacked `kuiwen-atlas check` on a GBK shapefile and a GeoJSON under Chinese file names;
#   4. as root, `apt-get install ./kuiwen-atlas_*.deb`: the same check from /usr/bin, the file
#      associations in the system's databases, then `apt-get purge` leaves no file behind.
#
#   bash scripts/test_deb.sh [--build]     (--build: build the program first)
set -euo pipefail
cd "$(dirname "$0")/.."

build=--no-build
[ "${1:-}" = "--build" ] && build=
fail() { echo "test_deb: FAILED: $*" >&2; exit 1; }
ok() { echo "test_deb: ok: $*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash scripts/package --deb --host-glibc $build --out "$work/dist"
deb=$(ls "$work"/dist/kuiwen-atlas_*_amd64.deb)

# 2. Control data and contents.
info=$(dpkg-deb --info "$deb")
for field in "Package: kuiwen-atlas" "Section: science" "libvulkan1 | libegl1" "libxkbcommon-x11-0" "Recommends:"; do
  grep -qF "$field" <<<"$info" || fail "control file lacks '$field'"
done
ok "control: $(grep -E '^ (Version|Installed-Size):' <<<"$info" | tr -s ' ' | tr '\n' ' ')"
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
expected=(
  ./usr/bin/kuiwen-atlas
  ./usr/share/applications/kuiwen-atlas.desktop
  ./usr/share/mime/packages/kuiwen-atlas.xml
  ./usr/share/icons/hicolor/scalable/apps/kuiwen-atlas.svg
  ./usr/share/doc/kuiwen-atlas/copyright
  ./usr/share/doc/kuiwen-atlas/LICENSE-MIT
  ./usr/share/doc/kuiwen-atlas/LICENSE-APACHE
  ./usr/share/doc/kuiwen-atlas/OFL-NotoSansSC.txt
  ./usr/share/doc/kuiwen-atlas/THIRD-PARTY-LICENSES.txt.gz
)
for size in 16 24 32 48 64 128 256 512; do expected+=("./usr/share/icons/hicolor/${size}x${size}/apps/kuiwen-atlas.png"); done
for f in "${expected[@]}"; do grep -qxF "$f" <<<"$contents" || fail "package lacks $f"; done
ok "${#expected[@]} files in place"
# Each icon is a whole PNG of the size its folder names (the window's icon is the 256 px one).
python3 - "$deb" <<'EOF' || fail "icons"
import io, struct, subprocess, sys, tarfile, zlib
data = subprocess.run(["dpkg-deb", "--fsys-tarfile", sys.argv[1]], check=True, capture_output=True).stdout
with tarfile.open(fileobj=io.BytesIO(data)) as tar:
    for m in tar.getmembers():
        if not (m.name.endswith("/apps/kuiwen-atlas.png") and "/hicolor/" in m.name):
            continue
        png = tar.extractfile(m).read()
        assert png[:8] == b"\x89PNG\r\n\x1a\n", m.name
        w, h, depth, colour = struct.unpack(">IIBB", png[16:26])
        size = int(m.name.split("/hicolor/")[1].split("x")[0])
        assert (w, h, depth, colour) == (size, size, 8, 6), (m.name, w, h, depth, colour)
        idat, pos = b"", 8
        while pos < len(png):
            length, kind = struct.unpack(">I4s", png[pos:pos + 8])
            if kind == b"IDAT":
                idat += png[pos + 8:pos + 8 + length]
            pos += 12 + length
        assert len(zlib.decompress(idat)) == h * (1 + 4 * w), m.name
EOF
ok "icons: 8 whole RGBA PNGs at 16–512 px"

# 3. Unpacked into an empty tree.
root="$work/root"
dpkg -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/kuiwen-atlas.desktop" || fail "desktop-file-validate"
grep -q '^Name\[zh_CN\]=奎文规划一张图$' "$root/usr/share/applications/kuiwen-atlas.desktop" || fail "no Chinese name"
ok "desktop entry valid"
mkdir -p "$work/mime/packages"
cp /usr/share/mime/packages/freedesktop.org.xml "$root/usr/share/mime/packages/kuiwen-atlas.xml" "$work/mime/packages/"
XDG_DATA_DIRS="$work:/usr/share" update-mime-database "$work/mime" 2>"$work/mime.err"
[ -s "$work/mime.err" ] && { cat "$work/mime.err" >&2; fail "update-mime-database complained"; }
for pair in "application/x-kuiwen-workspace:\*.kuiwen.json" "application/x-esri-shape:\*.shp" "application/geopackage+sqlite3:\*.gpkg"; do
  grep -q ":${pair}" "$work/mime/globs2" || fail "MIME glob $pair missing"
done
# Every type the desktop entry opens is known to the database, so double-click reaches the app.
types=$(sed -n 's/^MimeType=//p' "$root/usr/share/applications/kuiwen-atlas.desktop" | tr ';' '\n' | grep .)
for t in $types; do
  { grep -qxF "$t" "$work/mime/types" || awk -v t="$t" '$1 == t { found = 1 } END { exit !found }' "$work/mime/aliases"; } \
    || fail "MIME type $t unknown to the database"
done
ok "MIME types: $(tr '\n' ' ' <<<"$types")"

data="$work/规划 数据"
mkdir -p "$data"
for ext in shp shx dbf prj; do cp "tests/fixtures/formats/parks_4528_gbk/parks.$ext" "$data/公园_4528.$ext"; done
cp tests/fixtures/valid_parks.geojson "$data/园区.geojson"
check_with() {
  local bin=$1 out
  out=$("$bin" check "$data/公园_4528.shp" "$data/园区.geojson") || fail "$bin check exited $?"
  grep -q "公园_4528.shp: OK" <<<"$out" || fail "$bin check: no OK for the shapefile: $out"
  grep -q "coordinate system: EPSG:4528" <<<"$out" || fail "$bin check: CRS not read: $out"
  grep -q "encoding: GB18030" <<<"$out" || fail "$bin check: encoding not detected: $out"
  grep -q "features: 8" <<<"$out" || fail "$bin check: feature count: $out"
  grep -q "园区.geojson: OK" <<<"$out" || fail "$bin check: no OK for the GeoJSON: $out"
}
check_with "$root/usr/bin/kuiwen-atlas"
ok "unpacked kuiwen-atlas check reads a GBK shapefile in EPSG:4528 under a Chinese name"

# 4. Installed for real, then removed (needs root and apt, as on CI).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
  [ "$(command -v kuiwen-atlas)" = /usr/bin/kuiwen-atlas ] || fail "kuiwen-atlas not on PATH after install"
  check_with /usr/bin/kuiwen-atlas
  grep -q "application/x-kuiwen-workspace:\*.kuiwen.json" /usr/share/mime/globs2 || fail "system MIME database lacks the workspace type"
  # The desktop database maps the workspace and shapefile types to our entry (dpkg triggers).
  if [ -f /usr/share/applications/mimeinfo.cache ]; then
    grep -q "^application/x-kuiwen-workspace=.*kuiwen-atlas.desktop" /usr/share/applications/mimeinfo.cache \
      || fail "mimeinfo.cache lacks the workspace association"
    ok "the desktop database opens *.kuiwen.json with kuiwen-atlas.desktop"
  fi
  ok "installed with apt: $(dpkg-query -W -f='${Package} ${Version} ${Installed-Size} KiB' kuiwen-atlas)"
  listed=$(dpkg-query -L kuiwen-atlas | grep -v '^/\.$')
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq kuiwen-atlas >/dev/null
  for f in /usr/bin/kuiwen-atlas /usr/share/applications/kuiwen-atlas.desktop /usr/share/mime/packages/kuiwen-atlas.xml; do
    [ -e "$f" ] && fail "$f left after purge"
  done
  left=$(while read -r f; do [ -f "$f" ] && echo "$f"; done <<<"$listed" || true)
  [ -z "$left" ] || fail "files left after purge: $left"
  grep -q "application/x-kuiwen-workspace" /usr/share/mime/globs2 && fail "MIME type left after purge"
  ok "purged cleanly"
else
  echo "test_deb: not root or no apt: install and purge skipped"
fi
echo "test_deb: passed ($(du -h "$deb" | cut -f1) package)"
