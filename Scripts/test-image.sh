#!/usr/bin/env bash
# make test-image: runs the image's root file system as a container runtime would, without one:
# new mount and PID namespaces, /proc, /dev (a few device nodes) and /tmp mounted inside it, then
# chroot into it as its unprivileged user, so nothing of this machine is visible. The image's own
# command serves; its health check (videomock health, run inside) passes; a create, polls and a
# download work from outside; an HTTPS upstream is checked against the image's CA bundle.
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
# HTTPS upstreams from inside the image: a TLS server signed by a test CA (openssl s_server,
# outside the chroot; by address, as the chroot has no /etc/hosts) is refused with the image's CA
# bundle, and trusted through SSL_CERT_FILE.
tls=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=VideoMock test CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$tls/san"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 1 -extfile "$tls/san" \
  -out "$tls/server.pem" 2>/dev/null
tls_port=$((20000 + RANDOM % 20000))
openssl s_server -quiet -www -accept "$tls_port" -cert "$tls/server.pem" -key "$tls/server.key" > /dev/null 2>&1 &
tls_pid=$!
cp "$tls/ca.pem" "$rootfs/tmp/ca.pem"
proxy_out="$rootfs/tmp/proxy.log"
proxy() {
  env -i HOME=/tmp PATH=/bin "$@" "$chroot" --userspec=10001:10001 "$rootfs" /bin/videomock serve --port 0 \
    --upstream "aihubmix=https://127.0.0.1:$tls_port" > "$proxy_out" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 200); do grep -q listening "$proxy_out" && break; sleep 0.02; done
  proxy_port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$proxy_out" | grep -o '[0-9]*$')
}
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null && break; sleep 0.05; done
proxy
refused=$(python3 -c "import urllib.request, urllib.error
try: urllib.request.urlopen('http://127.0.0.1:$proxy_port/aihubmix/v1/videos/x')
except urllib.error.HTTPError as e: print(e.code, e.read().decode())")
kill -TERM $proxy_pid; wait $proxy_pid
echo "$refused" | grep -q '^502 .*certificate verify failed' || { echo "test-image: an untrusted upstream gave: $refused" >&2; exit 1; }
proxy SSL_CERT_FILE=/tmp/ca.pem
trusted=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$proxy_port/aihubmix/v1/videos/x').status)")
kill -TERM $proxy_pid; wait $proxy_pid
kill $tls_pid; rm -rf "$tls"
[ "$trusted" = 200 ] || { echo "test-image: a trusted upstream gave $trusted" >&2; exit 1; }

# What the server sees of the world: its own files only.
[ ! -e "$rootfs/opt" ] && [ ! -e "$rootfs/usr/bin" ] || { echo "test-image: the image holds more than it should" >&2; exit 1; }
kill -TERM $pid
wait $pid
echo "test-image: the image's root file system serves under chroot as user 10001: health, create, polls, download;"
echo "test-image: an HTTPS upstream is refused when untrusted (502) and relayed when SSL_CERT_FILE trusts its CA"
INSIDE
