#!/usr/bin/env bash
# make dist: the release binary stripped (its debug info kept beside it, linked by
# .gnu_debuglink), laid out with its share/ as make install does, in
# dist/videomock-VERSION-linux-x86_64.tar.gz; the debug info as dist/...debug; dist/SHA256SUMS.
# Usage: Scripts/dist.sh BINARY
set -euo pipefail
binary=$1
root=$(cd "$(dirname "$0")/.." && pwd)
version=$("$binary" --version)
name=videomock-$version-linux-x86_64
stage=$root/.build/dist
rm -rf "$stage" && mkdir -p "$stage" "$root/dist"

# The shipped binary: no symbols, and nothing but glibc and libgcc_s to load (and libstdc++, when
# the machine that built it had no archive of it to link in).
objcopy --only-keep-debug "$binary" "$stage/videomock.debug"
objcopy --strip-all --add-gnu-debuglink="$stage/videomock.debug" "$binary" "$stage/videomock"
unexpected=$(ldd "$stage/videomock" | awk '{print $1}' \
  | grep -vE '^(linux-vdso\.so|/lib64/ld-linux-x86-64\.so|libc\.so|libm\.so|libpthread\.so|libdl\.so|librt\.so|libstdc\+\+\.so|libgcc_s\.so)' || true)
[ -z "$unexpected" ] || { echo "dist: the binary loads more than glibc, libstdc++ and libgcc_s: $unexpected" >&2; exit 1; }

"$root/Scripts/install.sh" "$stage/videomock" "$stage/$name" > /dev/null
tar -C "$stage" --owner=0 --group=0 --sort=name -czf "$root/dist/$name.tar.gz" "$name"
cp "$stage/videomock.debug" "$root/dist/$name.debug"
cd "$root/dist" && sha256sum -- *.tar.gz *.debug $(ls *.whl 2>/dev/null) > SHA256SUMS
echo "dist/$name.tar.gz: $(du -k "$name.tar.gz" | cut -f1) kB; binary $(stat -c %s "$stage/videomock") bytes stripped, needs glibc $("$root/Scripts/glibc-floor.sh" "$stage/videomock")"
