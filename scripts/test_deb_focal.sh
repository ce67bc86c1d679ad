#!/usr/bin/env bash
# The .deb on an older system than the build machine's: Ubuntu 20.04 (focal, glibc 2.31), the base
# of 麒麟 Kylin V10 SP1. In a minimal focal tree made with debootstrap, apt resolves the package's
# dependencies from Ubuntu's own archive, installs it, the installed `kuiwen-atlas check` reads a
# GBK shapefile under a Chinese name, and `apt-get purge` removes it.
#
#   sudo bash scripts/test_deb_focal.sh DEB [FOCAL_DIR]
#
# DEB is the package from `bash scripts/package --deb` (linked against glibc 2.28). FOCAL_DIR
# (default target/focal) is made on first use with `debootstrap --variant=minbase focal`, from
# archive.ubuntu.com; Debian has no Ubuntu archive keyring, so this throwaway tree is fetched with
# --no-check-gpg. Needs root (chroot) and the network; not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "${1:?usage: sudo bash scripts/test_deb_focal.sh DEB [FOCAL_DIR]}")
focal=${2:-target/focal}
fail() { echo "test_deb_focal: FAILED: $*" >&2; exit 1; }

if [ ! -x "$focal/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase --no-check-gpg focal "$focal" http://archive.ubuntu.com/ubuntu >/dev/null
fi
in_focal() { chroot "$focal" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
echo "test_deb_focal: $(in_focal ldd --version | head -n 1)"

mkdir -p "$focal/tmp/test/规划 数据"
cp "$deb" "$focal/tmp/test/kuiwen-atlas.deb"
for ext in shp shx dbf prj; do cp "tests/fixtures/formats/parks_4528_gbk/parks.$ext" "$focal/tmp/test/规划 数据/公园_4528.$ext"; done

in_focal apt-get update -qq
in_focal apt-get install -y -qq /tmp/test/kuiwen-atlas.deb >/dev/null || fail "apt could not install the package on focal"
echo "test_deb_focal: installed $(in_focal dpkg-query -W -f='${Package} ${Version}' kuiwen-atlas), with: $(in_focal dpkg-query -W -f='${Depends}' kuiwen-atlas)"
out=$(in_focal /usr/bin/kuiwen-atlas check "/tmp/test/规划 数据/公园_4528.shp") || fail "check exited $?: $out"
grep -q "公园_4528.shp: OK" <<<"$out" && grep -q "encoding: GB18030" <<<"$out" && grep -q "features: 8" <<<"$out" \
  || fail "check: $out"
echo "$out" | sed 's/^/  /'
in_focal apt-get purge -y -qq kuiwen-atlas >/dev/null
[ -e "$focal/usr/bin/kuiwen-atlas" ] && fail "the program is left after purge"
rm -rf "$focal/tmp/test"
echo "test_deb_focal: passed"
