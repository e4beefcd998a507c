#!/usr/bin/env bash
# Installs a built videomock binary and the fixtures it serves:
#   PREFIX/bin/videomock and PREFIX/share/videomock/Fixtures (catalogs, frames, OpenAPI document),
# where the binary finds them from any working directory.
# Usage: Scripts/install.sh BINARY PREFIX
set -euo pipefail
binary=$1 prefix=$2
root=$(cd "$(dirname "$0")/.." && pwd)
install -d "$prefix/bin" "$prefix/share/videomock/Fixtures/catalog"
install -m 755 "$binary" "$prefix/bin/videomock"
install -m 644 "$root"/Fixtures/catalog/*.yaml "$prefix/share/videomock/Fixtures/catalog/"
rm -rf "$prefix/share/videomock/Fixtures/media"
cp -R "$root/Fixtures/media" "$prefix/share/videomock/Fixtures/media"
install -m 644 "$root/Fixtures/openapi.yaml" "$prefix/share/videomock/Fixtures/"
echo "installed $prefix/bin/videomock (fixtures in $prefix/share/videomock/Fixtures)"
