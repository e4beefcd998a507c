#!/usr/bin/env bash
# The container image's root file system, from nothing: the self-contained binary and its share/
# (as make install lays them out, under /), the few shared libraries it loads (glibc's, libstdc++,
# libgcc_s) copied from this machine, a CA bundle, /tmp, and an unprivileged user (10001).
# Usage: Scripts/image-rootfs.sh BINARY ROOTFS
set -euo pipefail
binary=$1 rootfs=$2
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$rootfs" && mkdir -p "$rootfs"/{etc/ssl/certs,tmp,proc,dev}
chmod 1777 "$rootfs/tmp"
"$root/Scripts/install.sh" "$binary" "$rootfs" > /dev/null
for library in $(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }'); do
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done
# The loader's usual path, when the library directories are reached through a link here.
[ -e "$rootfs/lib64/ld-linux-x86-64.so.2" ] || { mkdir -p "$rootfs/lib64"; cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"; }
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
printf 'root:x:0:0:root:/:/bin/videomock\nvideomock:x:10001:10001:VideoMock:/tmp:/bin/videomock\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nvideomock:x:10001:\n' > "$rootfs/etc/group"
echo "image root file system in $rootfs: $(du -sk "$rootfs" | cut -f1) kB, $(find "$rootfs" -type f | wc -l) files"
