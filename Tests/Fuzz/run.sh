#!/usr/bin/env bash
# Fuzzes every route VideoMock serves with schemathesis, driven by the OpenAPI document the
# server itself serves: no 5xx (no scenario is loaded, so none is scripted), every reply's
# status, type and body as documented, and the server still healthy at the end.
#   FUZZ_EXAMPLES   examples per operation (default 50)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV=$ROOT/.venv-fuzz
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV" 2>/dev/null || {
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$VENV"
  }
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q "schemathesis>=4,<5"
fi

OUT=$(mktemp)
"$ROOT/.build/release/videomock" serve --port 0 --time-scale 0 > "$OUT" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -f "$OUT"' EXIT
for _ in $(seq 100); do grep -q listening "$OUT" && break; sleep 0.05; done
BASE=$(grep -o 'http://[0-9.:]*' "$OUT")

"$VENV/bin/schemathesis" run "$BASE/__admin/openapi.json" --url "$BASE" \
  --header "Authorization: Bearer sk-fuzz" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --max-examples "${FUZZ_EXAMPLES:-50}" --request-timeout 5 --seed 20261121 \
  --suppress-health-check all

kill -0 $PID || { echo "videomock died during the run" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/__admin/health")" = 200 ] || { echo "videomock stopped answering" >&2; exit 1; }
echo "videomock is alive and healthy after the run"
