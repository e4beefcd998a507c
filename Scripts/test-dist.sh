#!/usr/bin/env bash
# make test-dist: what make dist and make wheel built, tried where Swift and libevent are absent.
#   1. the wheel is a sound zip, twine accepts both wheels, the README states the binary's real
#      size, glibc floor and wheel tag;
#   2. in a mount namespace where /opt/swift is empty and every libevent library is /dev/null:
#      the archive unpacked anywhere serves from / (health, create, polls, download);
#      the wheel, installed in a fresh virtual environment outside the checkout with pytest and
#      the README example's own imports, runs that example with no VIDEOMOCK_BINARY and no
#      videomock on PATH; its console script runs the bundled binary;
#      the pure wheel's console script and Server() say how to get a binary.
# Usage: Scripts/test-dist.sh PYTHON   (a Python with twine)
set -euo pipefail
python=$1
root=$(cd "$(dirname "$0")/.." && pwd)
stripped=$root/.build/dist/videomock
version=$("$stripped" --version)
archive=$root/dist/videomock-$version-linux-x86_64.tar.gz
wheel=$(ls "$root"/dist/videomock-"$version"-py3-none-manylinux_*_x86_64.whl)
pure=$root/dist/videomock-$version-py3-none-any.whl
tmp=$(mktemp -d /tmp/videomock-dist.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test-dist: $*" >&2; exit 1; }

# 1. The files, and what the README says of them.
"$python" -m zipfile -t "$wheel" > /dev/null || fail "$wheel is not a sound zip"
"$python" -m twine check --strict "$wheel" "$pure"
size=$(awk -v b="$(stat -c %s "$stripped")" 'BEGIN { printf "%.1f", b / 1e6 }')
floor=$("$root/Scripts/glibc-floor.sh" "$stripped")
tag=$(basename "$wheel" .whl | sed 's/.*-py3-none-//')
# The size the README states holds within 3% (every change to the code moves it a little).
stated=$(sed -n 's/.*stripped binary is \([0-9.]*\) MB.*/\1/p' "$root/README.md" | head -1)
awk -v a="$size" -v s="${stated:-0}" 'BEGIN { exit !(s > 0 && (a - s) / s <= 0.03 && (s - a) / s <= 0.03) }' \
  || fail "README says the stripped binary is ${stated:-?} MB; it is $size MB"
grep -q "needs glibc $floor or newer" "$root/README.md" || fail "README does not say it needs glibc $floor or newer"
grep -q "\`$tag\`" "$root/README.md" || fail "README does not name the wheel tag $tag"
echo "test-dist: README agrees: $size MB stripped (it says $stated), glibc $floor, $tag"

# The README's pytest example, as written there.
mkdir -p "$tmp/example"
awk '/^### From pytest/ { inside = 1 } inside && /^```python/ { code = 1; next } code && /^```/ { exit } code { print }' \
  "$root/README.md" > "$tmp/example/test_readme.py"
grep -q "def test_" "$tmp/example/test_readme.py" || fail "no pytest example found in the README"
imports=$(sed -n 's/^import \(.*\)/\1/p' "$tmp/example/test_readme.py" | tr -d ' ' | tr ',' '\n' | grep -vx pytest | tr '\n' ' ')

python3 -m venv "$tmp/venv" && "$tmp/venv/bin/pip" install -q "$wheel" pytest $imports
python3 -m venv "$tmp/pure" && "$tmp/pure/bin/pip" install -q "$pure"
tar -C "$tmp" -xzf "$archive"

# 2. Where there is no Swift and no libevent.
unshare --mount --fork bash -euo pipefail -s "$tmp" "$version" "$root" <<'INSIDE'
tmp=$1 version=$2 root=$3
mount -t tmpfs none /opt/swift
for library in /usr/lib/x86_64-linux-gnu/libevent*; do mount --bind /dev/null "$library"; done
[ -z "$(ls /opt/swift)" ] || { echo "test-dist: /opt/swift is still visible" >&2; exit 1; }
unset VIDEOMOCK_BINARY VIDEOMOCK_FIXTURES VIDEOMOCK_URL
export PATH=/usr/bin:/bin

binary=$tmp/videomock-$version-linux-x86_64/bin/videomock
if ldd "$binary" | grep -q 'libevent\|not found'; then echo "test-dist: $(ldd "$binary")" >&2; exit 1; fi
cd /
"$binary" serve --port 0 --time-scale 0.2 > "$tmp/serve.out" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q listening "$tmp/serve.out" && break; sleep 0.02; done
url=$(grep -o 'http://[0-9.:]*' "$tmp/serve.out") || { cat "$tmp/serve.out" >&2; exit 1; }
python3 "$root/Scripts/smoke.py" "$url"
kill -TERM $pid && wait $pid

[ "$("$tmp/venv/bin/videomock" --version)" = "$version" ] || { echo "test-dist: the console script ran no $version" >&2; exit 1; }
cd "$tmp/example"
"$tmp/venv/bin/python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning test_readme.py

if "$tmp/pure/bin/videomock" --version > "$tmp/pure.out" 2>&1; then echo "test-dist: the pure wheel ran a binary" >&2; exit 1; fi
grep -q "videomock-$version-linux-x86_64.tar.gz" "$tmp/pure.out" || { cat "$tmp/pure.out" >&2; exit 1; }
"$tmp/pure/bin/python" -c '
import videomock
try:
    videomock.Server().start()
except videomock.BinaryNotFound as error:
    assert "VIDEOMOCK_BINARY" in str(error) and "container image" in str(error), error
else:
    raise SystemExit("the pure wheel started a server")
'
echo "test-dist: without Swift or libevent: the archive serves, the wheel runs the README example, the pure wheel says how to get a binary"
INSIDE
