#!/usr/bin/env bash
# make test-image: runs the image's root file system as a container runtime would, without one:
# new mount and PID namespaces, /proc, /dev (a few device nodes) and /tmp mounted inside it, then
# chroot into it as its unprivileged user, so nothing of this machine is visible. The image's own
# command serves; its health check (videomock health, run inside) passes; a create, polls and a
# download work from outside.
# Usage: Scripts/test-image.sh ROOTFS
set -euo pipefail
rootfs=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
unshare --mount --pid --fork bash -euo pipefail -s "$rootfs" "$root" "$out" <<'INSIDE'
rootfs=$1 root=$2 out=$3
mount --make-rprivate /
mount -t proc proc "$rootfs/proc"
mount -t tmpfs -o mode=755 tmpfs "$rootfs/dev"
for device in null zero full random urandom tty; do touch "$rootfs/dev/$device" && mount --bind "/dev/$device" "$rootfs/dev/$device"; done
mount -t tmpfs -o mode=1777 tmpfs "$rootfs/tmp"
chroot=$(command -v chroot)
in_image() { env -i HOME=/tmp PATH=/bin "$chroot" --userspec=10001:10001 "$rootfs" "$@"; }

# The image's entry point, on a free port instead of 8080.
env -i HOME=/tmp PATH=/bin "$chroot" --userspec=10001:10001 "$rootfs" /bin/videomock serve --host 0.0.0.0 --port 0 > "$out" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q listening "$out" && break; sleep 0.02; done
port=$(grep -o 'listening on http://0.0.0.0:[0-9]*' "$out" | grep -o '[0-9]*$') || { cat "$out" >&2; exit 1; }
grep -q "warning: the admin API is open" "$out" || { echo "test-image: no warning about the open admin API" >&2; exit 1; }
in_image /bin/videomock health --url "http://127.0.0.1:$port"
[ -z "$(in_image /bin/videomock --version 2>&1 | grep -v '^[0-9.]*$')" ]
python3 "$root/Scripts/smoke.py" "http://127.0.0.1:$port"
# What the server sees of the world: its own files only.
[ ! -e "$rootfs/opt" ] && [ ! -e "$rootfs/usr/bin" ] || { echo "test-image: the image holds more than it should" >&2; exit 1; }
kill -TERM $pid
wait $pid
echo "test-image: the image's root file system serves under chroot as user 10001: health, create, polls, download"
INSIDE
