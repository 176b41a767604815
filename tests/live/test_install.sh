#!/usr/bin/env bash
# leaselab installs like a library: make install PREFIX=... [DESTDIR=...]
# puts libleaselab.so (soname libleaselab.so.<major>, real name
# libleaselab.so.<VERSION>, both symlinks), libleaselab.a, the public headers
# (not include/leaselab/internal/), leaselab.pc, bin/* and the docs there.
# The installed examples/embedded.c builds with nothing but
# `pkg-config --cflags --libs leaselab`, runs against the installed shared
# library, and links statically with what `pkg-config --static` lists. The
# shared library exports what the installed headers declare, nothing else.
# make uninstall leaves no file behind. Copies what make all built; builds
# nothing itself (under a second).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }

command -v pkg-config >/dev/null || skip "pkg-config is not installed (ci/bootstrap installs it)"
command -v readelf >/dev/null || skip "readelf is not installed (binutils)"
# Run by make check: do not join its jobserver, and do not build here.
unset MAKEFLAGS MFLAGS MAKELEVEL
make -q --no-print-directory all 2>/dev/null || fail "the tree is not built (make all builds it)"

version=$(cat VERSION)
major=${version%%.*}

# Staged, as a package build does it: the files land under DESTDIR, and what
# they say about where they are is PREFIX. Checked here, then uninstalled.
DEST=$TMP/stage
make --no-print-directory install PREFIX=/opt/leaselab DESTDIR="$DEST" >"$TMP/stage.log" 2>&1 ||
  { tail -n 30 "$TMP/stage.log"; fail "make install PREFIX=/opt/leaselab DESTDIR=... failed"; }
grep -qx 'prefix=/opt/leaselab' "$DEST/opt/leaselab/lib/pkgconfig/leaselab.pc" ||
  fail "the staged leaselab.pc does not say prefix=/opt/leaselab: $(grep prefix= "$DEST/opt/leaselab/lib/pkgconfig/leaselab.pc")"
grep -q "$DEST" "$DEST/opt/leaselab/lib/pkgconfig/leaselab.pc" && fail "the staged leaselab.pc names DESTDIR"
[ -x "$DEST/opt/leaselab/bin/sim" ] || fail "DESTDIR install has no bin/sim"
make --no-print-directory uninstall PREFIX=/opt/leaselab DESTDIR="$DEST" >"$TMP/unstage.log" 2>&1 ||
  { tail -n 30 "$TMP/unstage.log"; fail "make uninstall PREFIX=/opt/leaselab DESTDIR=... failed"; }
left=$(find "$DEST" ! -type d)
[ -z "$left" ] || fail "make uninstall (DESTDIR) left: $(echo "$left" | head -n 10 | tr '\n' ' ')"

# Into a prefix of its own, which a user then builds against.
ROOT=$TMP/prefix
start=$(date +%s%N)
make --no-print-directory install PREFIX="$ROOT" >"$TMP/install.log" 2>&1 ||
  { tail -n 30 "$TMP/install.log"; fail "make install failed"; }
echo "make install: $(( ($(date +%s%N) - start) / 1000000 )) ms"
grep -E '^(cc|gcc|clang|ar) ' "$TMP/install.log" && fail "make install compiled something; it should only copy"

# -- the files ----------------------------------------------------------------
lib=$ROOT/lib
[ -f "$lib/libleaselab.so.$version" ] && [ ! -L "$lib/libleaselab.so.$version" ] ||
  fail "no regular file $lib/libleaselab.so.$version"
[ "$(readlink "$lib/libleaselab.so.$major")" = "libleaselab.so.$version" ] ||
  fail "libleaselab.so.$major is not a symlink to libleaselab.so.$version"
[ "$(readlink "$lib/libleaselab.so")" = "libleaselab.so.$major" ] ||
  fail "libleaselab.so is not a symlink to libleaselab.so.$major"
[ -f "$lib/libleaselab.a" ] || fail "no $lib/libleaselab.a"
for h in include/leaselab/*.h; do
  cmp -s "$h" "$ROOT/$h" || fail "$h is not installed as $ROOT/$h"
done
[ -e "$ROOT/include/leaselab/internal" ] && fail "include/leaselab/internal/ was installed; it is private"
for b in elector fake-apiserver sim sim-live; do
  [ -x "$ROOT/bin/$b" ] || fail "bin/$b is not installed"
done
"$ROOT/bin/sim" --bogus-flag >/dev/null 2>&1
[ $? -eq 3 ] || fail "the installed bin/sim does not run (bad flag should exit 3)"
# bin/sim live runs the installed bin/sim-live beside it (the harness's own
# flag parser answers), and bin/sim itself does not load libcurl: that is
# what keeps about 6 MB out of every simulated run (sim/cmd/sim-live.c).
out=$("$ROOT/bin/sim" live --bogus-flag 2>&1)
[ $? -eq 3 ] || fail "the installed bin/sim live does not reach the harness: $out"
case "$out" in *"sim live"*) ;; *) fail "bin/sim live --bogus-flag: not the harness's error: $out" ;; esac
readelf -d "$ROOT/bin/sim" | grep -q 'NEEDED.*libcurl' && fail "bin/sim links libcurl; only bin/sim-live should"
readelf -d "$ROOT/bin/sim-live" | grep -q 'NEEDED.*libcurl' || fail "bin/sim-live does not link libcurl"
mv "$ROOT/bin/sim-live" "$ROOT/bin/sim-live.away"
out=$("$ROOT/bin/sim" live x.yaml 2>&1)
[ $? -eq 4 ] || fail "bin/sim live without bin/sim-live should exit 4: $out"
case "$out" in *"cannot run the live harness"*) ;; *) fail "bin/sim live without bin/sim-live: $out" ;; esac
mv "$ROOT/bin/sim-live.away" "$ROOT/bin/sim-live"
for d in README.md examples/embedded.c; do
  [ -f "$ROOT/share/doc/leaselab/$d" ] || fail "$d is not installed under share/doc/leaselab/"
done
[ -f "$lib/pkgconfig/leaselab.pc" ] || fail "no $lib/pkgconfig/leaselab.pc"

# -- the shared library ---------------------------------------------------------
readelf -d "$lib/libleaselab.so.$version" | grep "(SONAME).*\[libleaselab.so.$major\]" >/dev/null ||
  fail "SONAME is not libleaselab.so.$major: $(readelf -d "$lib/libleaselab.so.$version" | grep SONAME)"
nm -D --defined-only "$lib/libleaselab.so.$version" | awk '$2 ~ /^[A-Z]$/ && $2 != "A" {print $3}' |
  sed 's/@.*//' | sort -u >"$TMP/exports"
n=$(wc -l <"$TMP/exports")
[ "$n" -gt 50 ] || fail "only $n exported symbols"
# What the installed headers declare (preprocessed: comments do not count).
(cd "$ROOT/include" && printf '#include "leaselab/%s"\n' $(cd leaselab && ls *.h)) |
  cc -E -I"$ROOT/include" -x c - >"$TMP/api.i" || fail "the installed headers do not preprocess"
grep -oE '\b(le|fa|sim|rep)_[a-z0-9][a-z0-9_]*' "$TMP/api.i" | sort -u >"$TMP/names"
grep -oE '\b(le|fa|sim|rep)_[a-z0-9][a-z0-9_]* *\(' "$TMP/api.i" | sed 's/ *(//' | sort -u >"$TMP/functions"
comm -23 "$TMP/exports" "$TMP/names" >"$TMP/stray"
[ -s "$TMP/stray" ] && fail "exported but in no installed header: $(head -n 8 "$TMP/stray" | tr '\n' ' ')"
comm -13 "$TMP/exports" "$TMP/functions" >"$TMP/missing"
[ -s "$TMP/missing" ] && fail "declared in an installed header but not exported: $(head -n 8 "$TMP/missing" | tr '\n' ' ')"
echo "libleaselab.so.$version: soname libleaselab.so.$major, $n symbols exported"

# -- pkg-config, as a user of the staged tree sees it --------------------------
export PKG_CONFIG_PATH=$lib/pkgconfig
[ "$(pkg-config --modversion leaselab)" = "$version" ] ||
  fail "pkg-config --modversion leaselab says '$(pkg-config --modversion leaselab 2>&1)', VERSION says $version"
flags=$(pkg-config --cflags --libs leaselab) || fail "pkg-config --cflags --libs leaselab failed"
echo "pkg-config --cflags --libs leaselab: $flags"

# Built from the installed copy, in a folder with nothing else in it: the
# installed headers and the .pc are all the compiler sees of leaselab.
mkdir "$TMP/user" && cp "$ROOT/share/doc/leaselab/examples/embedded.c" "$TMP/user/"
cd "$TMP/user" || exit 1
cc -o embedded embedded.c $flags 2>cc.err || { cat cc.err; fail "examples/embedded.c does not build with pkg-config's flags"; }
readelf -d embedded | grep "(NEEDED).*\[libleaselab.so.$major\]" >/dev/null || fail "embedded does not need libleaselab.so.$major"
LD_LIBRARY_PATH=$lib ldd ./embedded | grep "libleaselab.so.$major => $lib/" >/dev/null ||
  fail "embedded does not load the installed library: $(LD_LIBRARY_PATH=$lib ldd ./embedded | grep leaselab)"
LD_LIBRARY_PATH=$lib ./embedded --no-such-flag >out 2>err
rc=$?
[ $rc -eq 3 ] || fail "embedded --no-such-flag exited $rc, not 3 (bad input): $(cat err)"
grep -q '^usage: embedded' err || fail "embedded --no-such-flag printed no usage: $(cat err)"
./embedded --no-such-flag >/dev/null 2>&1
[ $? -eq 127 ] || fail "embedded ran without LD_LIBRARY_PATH: it did not use the installed shared library"

# Static: libleaselab.a, and for what it needs only what --static lists
# (Requires.private, Libs.private). Debian's libcurl.pc names libcurl's own
# private dependencies (nghttp2, ssh2, ldap, ...) whose -dev packages are not
# installed; those are libcurl's, not ours (unless one of ours names them
# too): they are dropped, and libcurl is linked as a shared library.
curl_private=" $(pkg-config --static --libs-only-l libcurl | sed "s/$(pkg-config --libs-only-l libcurl)//") "
ours=" $(pkg-config --libs-only-l $(pkg-config --print-requires-private leaselab)) "
slibs=
for f in $(pkg-config --static --libs leaselab); do
  case "$f" in -lleaselab) f=-l:libleaselab.a;; esac
  case "$ours" in *" $f "*) ;; *) case "$curl_private" in *" $f "*) continue;; esac;; esac
  slibs="$slibs $f"
done
cc -o embedded-static embedded.c $(pkg-config --cflags leaselab) $slibs 2>cc.err ||
  { cat cc.err; fail "static link with pkg-config --static --libs leaselab failed"; }
readelf -d embedded-static | grep 'libleaselab' >/dev/null && fail "embedded-static still needs libleaselab.so"
./embedded-static --no-such-flag >/dev/null 2>err
rc=$?
[ $rc -eq 3 ] || fail "embedded-static --no-such-flag exited $rc, not 3: $(cat err)"
cd - >/dev/null || exit 1

# -- make uninstall --------------------------------------------------------------
make --no-print-directory uninstall PREFIX="$ROOT" >"$TMP/uninstall.log" 2>&1 ||
  { tail -n 30 "$TMP/uninstall.log"; fail "make uninstall failed"; }
left=$(find "$ROOT" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $(echo "$left" | head -n 10 | tr '\n' ' ')"
[ -e "$ROOT/include/leaselab" ] && fail "make uninstall left include/leaselab/"
[ -e "$ROOT/share/doc/leaselab" ] && fail "make uninstall left share/doc/leaselab/"
echo "installed, built against, ran and uninstalled leaselab $version"
