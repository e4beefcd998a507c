#!/usr/bin/env bash
# VideoMock and nginx measured side by side, in one run, on this machine, with the same wrk
# settings and the same number of cores, on loopback only, nginx at its best for each case: the
# exact reply bytes from memory (`return 200`) for polls and creates, a file with sendfile,
# tcp_nopush and open_file_cache for downloads. Prints a table of ratios and writes
# Benchmarks/results.json.
#   BENCH_DURATION   seconds per wrk case (default 10)
#   BENCH_TASKS      tasks in the store for the large scale case (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${BENCH_DURATION:-10}
BIG=${BENCH_TASKS:-1000000}
THREADS=2
CONNECTIONS=64
CORES=$(nproc)
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

# What the harness needs, from Debian's packages.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

make --no-print-directory build >/dev/null
BIN=$ROOT/.build/release/videomock

WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx's workers run as another user
VM_PID=""
cleanup() {
  [ -n "$VM_PID" ] && kill "$VM_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  pkill -f "wrk .*127.0.0.1:$VM_PORT" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }

# Starts videomock as the ready-made happy-path scenario on a manual clock, journal on.
start_videomock() {
  [ -n "$VM_PID" ] && kill "$VM_PID" 2>/dev/null && wait "$VM_PID" 2>/dev/null || true
  "$BIN" serve --port 0 --threads "$CORES" --clock manual --scenario "$ROOT/scenarios/happy-path.yaml" > "$WORK/vm.out" 2>&1 &
  VM_PID=$!
  for _ in $(seq 100); do grep -q listening "$WORK/vm.out" && break; sleep 0.05; done
  VM_PORT=$(grep -o '[0-9]*$' "$WORK/vm.out")
  VM="http://127.0.0.1:$VM_PORT"
}

# A completed Sora task to poll and download.
completed_task() {
  local id
  id=$(curl -s "$VM/v1/videos" -H "Authorization: Bearer sk-bench" -H "Content-Type: application/json" \
    -d '{"model":"sora-2","prompt":"A cinematic drone shot over misty mountains","seconds":"8","size":"1280x720"}' | json_field "['id']")
  curl -s "$VM/__admin/clock/advance" -d '{"seconds": 10}' > /dev/null
  echo "$id"
}

# A completed 8 s 1080p video, and (for key sk-big) one padded to 50 MB.
video_task() { # key
  curl -s "$VM/v1/videos" -H "Authorization: Bearer $1" -H "Content-Type: application/json" \
    -d '{"model":"wan2.6-t2v","prompt":"A winding stream","seconds":"8","size":"1920x1080"}' | json_field "['id']"
}
media_tasks() {
  curl -s "$VM/__admin/scenarios?api_key=sk-big" --data-binary $'version: 1\nrules:\n  - { result: { bytes: 50MB } }\n' > /dev/null
  VIDEO=$(video_task sk-bench)
  BIG_VIDEO=$(video_task sk-big)
  curl -s "$VM/__admin/clock/advance" -d '{"seconds": 10}' > /dev/null
}

task_count() { curl -s "$VM/__admin/tasks/count" | json_field "['count']"; }

# Creates tasks until the store holds $1: each wrk thread stops after its share of the
# creates, and wrk (which waits out its duration regardless) is stopped once they are in.
fill_to() {
  local current
  current=$(task_count)
  [ "$current" -ge "$1" ] && return
  (cd "$ROOT/Benchmarks/lua" && LIMIT=$(( $1 - current )) THREADS=$THREADS exec wrk -t$THREADS -c$CONNECTIONS -d3600s -s create.lua "$VM/v1/videos" > /dev/null) &
  local loader=$!
  while [ "$(task_count)" -lt "$1" ]; do sleep 0.2; done
  kill $loader 2>/dev/null; wait $loader 2>/dev/null || true
}

bench() { # name url [wrk options...]
  local name=$1 url=$2; shift 2
  echo "  $name" >&2
  wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency "$@" "$url" > "$WORK/$name.txt"
}

echo "videomock $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') vs $($NGINX -v 2>&1 | sed 's/.*: //'), $CORES cores, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"

# --- Start-up and idle memory
echo "start-up" >&2
python3 - "$BIN" "$ROOT/scenarios/happy-path.yaml" > "$WORK/startup.json" <<'PY'
import json, statistics, subprocess, sys, time, urllib.request
times = []
for _ in range(20):
    started = time.perf_counter()
    process = subprocess.Popen([sys.argv[1], "serve", "--port", "0", "--scenario", sys.argv[2]], stdout=subprocess.PIPE)
    port = process.stdout.readline().decode().strip().rsplit(":", 1)[1]
    urllib.request.urlopen(f"http://127.0.0.1:{port}/__admin/health").read()
    times.append((time.perf_counter() - started) * 1000)
    process.terminate()
    process.wait()
print(json.dumps({"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times)}))
PY
start_videomock
sleep 0.5
echo "{\"idle_rss_kb\": $(rss_kb "$VM_PID")}" > "$WORK/idle.json"

# --- nginx serving the same bytes
ID=$(completed_task)
mkdir -p -m 755 "$WORK/www"
POLL_REPLY=$(curl -s "$VM/v1/videos/$ID" -H "Authorization: Bearer sk-bench")
media_tasks
curl -s "$VM/v1/videos/$VIDEO/content" -H "Authorization: Bearer sk-bench" -o "$WORK/www/video.mp4"
curl -s "$VM/v1/videos/$BIG_VIDEO/content" -H "Authorization: Bearer sk-big" -o "$WORK/www/padded.mp4"
chmod 644 "$WORK/www/"*
CREATE_REPLY=$(curl -s "$VM/v1/videos" -H "Authorization: Bearer sk-bench" -H "Content-Type: application/json" \
  -d '{"model":"sora-2","prompt":"A cinematic drone shot over misty mountains, take 000000","seconds":"8","size":"1280x720"}')
NGINX_PORT=$(free_port)
cat > "$WORK/nginx.conf" <<CONF
worker_processes $CORES;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  open_file_cache max=1000 inactive=60s;
  keepalive_requests 100000000;
  keepalive_timeout 75s;
  types { application/json json; video/mp4 mp4; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location = /poll { default_type application/json; return 200 '$POLL_REPLY'; }
    location = /create { default_type application/json; return 200 '$CREATE_REPLY'; }
  }
}
CONF
$NGINX -c "$WORK/nginx.conf"
NG="http://127.0.0.1:$NGINX_PORT"
for _ in $(seq 50); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$NG/poll")" = 200 ] && break; sleep 0.05; done

# Before measuring: both servers answer the same bytes (a create's id differs, its length does not).
same() { # what url-a url-b [curl options for a...]
  local what=$1 a=$2 b=$3; shift 3
  local ha hb
  ha=$(curl -s -D - -o "$WORK/a.body" "$a" "$@" | grep -i '^content-type' | tr -d '\r' | tr 'A-Z' 'a-z')
  hb=$(curl -s -D - -o "$WORK/b.body" "$b" | grep -i '^content-type' | tr -d '\r' | tr 'A-Z' 'a-z')
  [ "$ha" = "$hb" ] || { echo "$what: Content-Type differs: '$ha' vs '$hb'" >&2; exit 1; }
  if [ "$what" = create ]; then
    [ "$(wc -c < "$WORK/a.body")" = "$(wc -c < "$WORK/b.body")" ] || { echo "create: reply lengths differ" >&2; exit 1; }
  else
    cmp -s "$WORK/a.body" "$WORK/b.body" || { echo "$what: the two servers answer different bytes" >&2; exit 1; }
  fi
}
same poll "$VM/v1/videos/$ID" "$NG/poll" -H "Authorization: Bearer sk-bench"
same download "$VM/v1/videos/$VIDEO/content" "$NG/video.mp4" -H "Authorization: Bearer sk-bench"
same padded "$VM/v1/videos/$BIG_VIDEO/content" "$NG/padded.mp4" -H "Authorization: Bearer sk-big"
same create "$VM/v1/videos" "$NG/create" -H "Authorization: Bearer sk-bench" -H "Content-Type: application/json" \
  -d '{"model":"sora-2","prompt":"A cinematic drone shot over misty mountains, take 000000","seconds":"8","size":"1280x720"}'
echo "both servers answer the same bytes (poll, downloads) and the same length (create)" >&2

# --- Poll, create, download: each against both, twice, interleaved (the report keeps each
# side's better run, so that a noisy moment on a shared machine does not decide a ratio)
echo "side by side" >&2
for round in "" "-again"; do
  # Each round starts from a fresh server, so creates in the second do not meet a fuller store.
  if [ -n "$round" ]; then start_videomock; ID=$(completed_task); media_tasks; fi
  bench "poll-videomock$round" "$VM/v1/videos/$ID" -H "Authorization: Bearer sk-bench"
  bench "poll-nginx$round" "$NG/poll"
  bench "create-videomock$round" "$VM/v1/videos" -s "$ROOT/Benchmarks/lua/create.lua"
  bench "create-nginx$round" "$NG/create" -s "$ROOT/Benchmarks/lua/create.lua"
  bench "download-videomock$round" "$VM/v1/videos/$VIDEO/content" -H "Authorization: Bearer sk-bench"
  bench "download-nginx$round" "$NG/video.mp4"
  bench "padded-videomock$round" "$VM/v1/videos/$BIG_VIDEO/content" -H "Authorization: Bearer sk-big"
  bench "padded-nginx$round" "$NG/padded.mp4"
done

# --- Media: the first byte of videos never made before, and memory across 10,000 kinds of video
echo "media" >&2
start_videomock
python3 "$ROOT/Benchmarks/media.py" "$VM" "$VM_PID" > "$WORK/media.json"

# --- Scale: a fresh store of 1,000 tasks, then $BIG
echo "scale" >&2
start_videomock
ID=$(completed_task)
fill_to 1000
# The two store sizes are measured minutes apart, so each is the better of two runs.
bench poll-1k "$VM/v1/videos/$ID" -H "Authorization: Bearer sk-bench"
bench poll-1k-again "$VM/v1/videos/$ID" -H "Authorization: Bearer sk-bench"
fill_to 100000
echo "{\"rss_100k_kb\": $(rss_kb "$VM_PID"), \"tasks\": $(task_count)}" > "$WORK/rss100k.json"
fill_to "$BIG"
bench poll-big "$VM/v1/videos/$ID" -H "Authorization: Bearer sk-bench"
bench poll-big-again "$VM/v1/videos/$ID" -H "Authorization: Bearer sk-bench"
echo "{\"rss_big_kb\": $(rss_kb "$VM_PID"), \"tasks\": $(task_count)}" > "$WORK/rssbig.json"

python3 "$ROOT/Benchmarks/report.py" "$WORK" "$ROOT/Benchmarks/results.json" "$DURATION" "$BIG"
