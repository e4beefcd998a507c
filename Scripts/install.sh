#!/usr/bin/env bash
# Installs a built videomock binary and what it serves, in the one layout every way of shipping
# it uses (make install, the release archive, the wheel, the container image):
#   PREFIX/bin/videomock
#   PREFIX/share/videomock/Fixtures/   catalogs, video frames, the OpenAPI document
#   PREFIX/share/videomock/scenarios/  the ready-made scenarios
#   PREFIX/share/videomock/            README.md, LICENSE, THIRD-PARTY-NOTICES.md
# The binary finds share/videomock/Fixtures from any working directory.
# Usage: Scripts/install.sh BINARY PREFIX
set -euo pipefail
binary=$1 prefix=$2
root=$(cd "$(dirname "$0")/.." && pwd)
share=$prefix/share/videomock
install -d "$prefix/bin" "$share/Fixtures/catalog" "$share/scenarios"
install -m 755 "$binary" "$prefix/bin/videomock"
install -m 644 "$root"/Fixtures/catalog/*.yaml "$share/Fixtures/catalog/"
rm -rf "$share/Fixtures/media"
cp -R "$root/Fixtures/media" "$share/Fixtures/media"
chmod -R u+rwX,go+rX,go-w "$share/Fixtures/media"
install -m 644 "$root/Fixtures/openapi.yaml" "$share/Fixtures/"
install -m 644 "$root"/scenarios/*.yaml "$share/scenarios/"
install -m 644 "$root/README.md" "$root/LICENSE" "$root/THIRD-PARTY-NOTICES.md" "$share/"
echo "installed $prefix/bin/videomock (fixtures in $share/Fixtures, scenarios in $share/scenarios)"
