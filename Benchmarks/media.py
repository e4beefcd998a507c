"""Media figures for make bench: how soon the first byte of a video never made before arrives,
and the server's memory across 10,000 kinds of video (size, duration, frame rate, sound).

    python3 media.py URL PID
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

url, pid = sys.argv[1], int(sys.argv[2])
host = urllib.parse.urlparse(url)
connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
HEADERS = {"Authorization": "Bearer sk-media", "Content-Type": "application/json"}
SIZES = [(1280, 720), (1920, 1080), (720, 1280), (1080, 1920), (960, 960), (1440, 1440), (2160, 2160), (3840, 2160)]


def rss_kb():
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def call(method, path, body=None, headers=HEADERS):
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, data


def task(width, height, seconds, fps, audio):
    body = {"model": "doubao-seedance-2.0", "prompt": "p", "duration": seconds, "width": width, "height": height, "fps": fps,
            "generate_audio": audio}
    status, data = call("POST", "/amux/v1/video/generations", json.dumps(body))
    if status != 200:
        raise SystemExit(f"create answered {status}: {data[:200]!r}")
    return json.loads(data)["task_id"]


def variants():
    for width, height in SIZES:
        for seconds in range(4, 16):
            for fps in range(1, 61):
                for audio in (False, True):
                    yield width, height, seconds, fps, audio


call("POST", "/__admin/clock/advance", json.dumps({"seconds": 10}), {"Content-Type": "application/json"})
kinds = variants()
# The first byte of new videos: the request that makes the file, timed to its first body byte.
first_bytes = []
for _ in range(50):
    task_id = task(*next(kinds))
    call("POST", "/__admin/clock/advance", json.dumps({"seconds": 10}), {"Content-Type": "application/json"})
    started = time.perf_counter()
    connection.request("GET", f"/amux/v1/video/generations/{task_id}/content", headers=HEADERS)
    response = connection.getresponse()
    response.read(1)
    first_bytes.append((time.perf_counter() - started) * 1000)
    response.read()
# Memory across 10,000 kinds: the tasks are made first (they cost memory of their own), then
# each one's video is made and downloaded; what that second phase adds is the media's cost.
tasks = [task(*kind) for _, kind in zip(range(10000), kinds)]
call("POST", "/__admin/clock/advance", json.dumps({"seconds": 10}), {"Content-Type": "application/json"})
before = rss_kb()
for count, task_id in enumerate(tasks, 1):
    status, _ = call("GET", f"/amux/v1/video/generations/{task_id}/content")
    if status != 200:
        raise SystemExit(f"content answered {status}")
print(json.dumps({
    "first_byte_ms_median": statistics.median(first_bytes), "first_byte_ms_max": max(first_bytes),
    "variants": len(tasks), "rss_before_kb": before, "rss_after_kb": rss_kb(),
}))
