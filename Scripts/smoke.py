#!/usr/bin/env python3
"""Checks a running VideoMock the way a first user would: health, a create, polls until it
completes, and the download of a real MP4. Standard library only.
Usage: Scripts/smoke.py URL"""
import json
import sys
import time
import urllib.request

KEY = {"Authorization": "Bearer sk-smoke"}


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {**KEY, **({"Content-Type": "application/json"} if data else {})}
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers), timeout=10) as reply:
        return reply.status, dict(reply.headers), reply.read()


def main(base):
    status, _, body = call("GET", f"{base}/__admin/health")
    assert status == 200 and json.loads(body)["status"] == "ok", body
    status, _, body = call("POST", f"{base}/aihubmix/v1/videos", {"model": "sora-2", "prompt": "smoke", "seconds": "4"})
    video = json.loads(body)
    assert status == 200 and video["status"] == "queued", body
    polls, deadline = 0, time.monotonic() + 20
    while video["status"] != "completed":
        assert time.monotonic() < deadline, f"still {video['status']} after {polls} polls"
        time.sleep(0.2)
        _, _, body = call("GET", f"{base}/aihubmix/v1/videos/{video['id']}")
        video, polls = json.loads(body), polls + 1
    status, headers, mp4 = call("GET", f"{base}/aihubmix/v1/videos/{video['id']}/content")
    assert status == 200 and headers["Content-Type"] == "video/mp4", headers
    assert len(mp4) == int(headers["Content-Length"]) > 1000 and mp4[4:8] == b"ftyp", mp4[:16]
    print(f"smoke: healthy, created {video['id'][:12]}…, completed after {polls} polls, downloaded {len(mp4)} bytes of MP4")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
