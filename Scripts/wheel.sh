#!/usr/bin/env bash
# make wheel: the Python package twice, in dist/:
#   videomock-VERSION-py3-none-manylinux_2_XX_x86_64.whl  with the stripped binary and its share/
#     inside (videomock/_bundle/), tagged for the glibc the binary needs; auditwheel must agree;
#   videomock-VERSION-py3-none-any.whl  pure, for other platforms and for those who build the
#     binary themselves (as `pip install ./python` gives).
# Both are built from a copy of python/ under .build/wheel, so the checkout stays clean.
# Usage: Scripts/wheel.sh PYTHON BINARY   (a Python with build, setuptools and auditwheel;
#        the stripped binary make dist made)
set -euo pipefail
python=$1 binary=$2
root=$(cd "$(dirname "$0")/.." && pwd)
version=$("$binary" --version)
declared=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root/python/videomock/_version.py")
[ "$version" = "$declared" ] || {
  echo "wheel: videomock --version says $version, python/videomock/_version.py says $declared: make them agree" >&2
  exit 1
}
floor=$("$root/Scripts/glibc-floor.sh" "$binary")
tag=manylinux_${floor/./_}_x86_64

work=$root/.build/wheel
rm -rf "$work" && mkdir -p "$work" "$root/dist"
rm -f "$root"/dist/videomock-*.whl
build() {  # SOURCE
  "$python" -m build --wheel --no-isolation --outdir "$root/dist" "$1" > "$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; exit 1; }
}
copy() {  # DESTINATION: python/ as a source tree, links (the license files) followed
  mkdir -p "$1"
  tar -C "$root/python" -chf - --exclude=tests --exclude=build --exclude='*.egg-info' --exclude=__pycache__ . | tar -C "$1" -xf -
}

copy "$work/pure"
build "$work/pure"

copy "$work/binary"
"$root/Scripts/install.sh" "$binary" "$work/binary/videomock/_bundle" > /dev/null
VIDEOMOCK_WHEEL_PLATFORM=$tag build "$work/binary"
wheel=$root/dist/videomock-$version-py3-none-$tag.whl
[ -f "$wheel" ] || { echo "wheel: expected $wheel" >&2; ls "$root/dist" >&2; exit 1; }

# auditwheel names the most compatible tag the wheel's binaries allow: it must be the one we gave.
shown=$("$python" -m auditwheel show "$wheel" 2>&1 | tr '\n' ' ')
allowed=$(sed -n 's/.*following platform tag:[[:space:]]*"\([^"]*\)".*/\1/p' <<< "$shown")
[ "$allowed" = "$tag" ] || { echo "wheel: auditwheel allows '$allowed', the wheel says $tag: $shown" >&2; exit 1; }
cd "$root/dist" && sha256sum -- $(ls *.tar.gz *.debug *.whl 2>/dev/null) > SHA256SUMS
echo "dist/$(basename "$wheel") ($(du -k "$wheel" | cut -f1) kB; auditwheel: $allowed) and dist/videomock-$version-py3-none-any.whl"
