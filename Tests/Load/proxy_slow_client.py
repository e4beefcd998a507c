"""A 50 MB download through the recording proxy, read by a slow client (about 1 MB/s): the proxy
reads the upstream only as fast as the client takes the bytes, so its memory stays flat.

Usage: proxy_slow_client.py VIDEOMOCK_BINARY [RATE_BYTES_PER_SECOND]
Prints the proxy's resident memory before, at its highest and after, and fails when the highest
is 10 MB or more above the start."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SIZE = 50_000_000
LIMIT = 10 * 1024 * 1024


def start(binary, *args):
    log = tempfile.NamedTemporaryFile(prefix="videomock-", suffix=".log", delete=False)
    process = subprocess.Popen([binary, "serve", "--port", "0", *args], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(500):
        with open(log.name) as handle:
            for line in handle:
                if line.startswith("listening on "):
                    return process, line.split()[-1]
        time.sleep(0.01)
    raise SystemExit(f"{binary} did not start: {open(log.name).read()}")


def rss(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024


def call(url, body=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": "Bearer sk-slow", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as reply:
        return json.loads(reply.read())


def main():
    binary = sys.argv[1]
    rate = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    scenario = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    scenario.write("version: 1\nrules:\n  - { when: { endpoint: create }, result: { bytes: 50MB } }\n")
    scenario.close()
    upstream, upstream_url = start(binary, "--time-scale", "0", "--scenario", scenario.name)
    proxy, proxy_url = start(binary, "--threads", "1", "--upstream", f"aihubmix={upstream_url}/aihubmix")
    try:
        task = call(proxy_url + "/aihubmix/v1/videos", {"model": "sora-2", "prompt": "p", "seconds": "4", "size": "1280x720"})
        while call(f"{proxy_url}/aihubmix/v1/videos/{task['id']}")["status"] != "completed":
            time.sleep(0.05)
        before = rss(proxy.pid)
        host, port = proxy_url.split("//")[1].split(":")
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        client.connect((host, int(port)))
        client.sendall(f"GET /aihubmix/v1/videos/{task['id']}/content HTTP/1.1\r\nHost: {host}\r\n"
                       "Authorization: Bearer sk-slow\r\nConnection: close\r\n\r\n".encode())
        received, highest, started, next_sample = 0, before, time.monotonic(), 0.0
        while True:
            piece = client.recv(16 * 1024)
            if not piece:
                break
            received += len(piece)
            elapsed = time.monotonic() - started
            if elapsed >= next_sample:
                highest = max(highest, rss(proxy.pid))
                next_sample = elapsed + 0.25
            ahead = received / rate - elapsed
            if ahead > 0:
                time.sleep(ahead)
        seconds = time.monotonic() - started
        client.close()
        after = rss(proxy.pid)
        body = received - (received - SIZE if received > SIZE else 0)
        print(f"proxy-slow-client: {received / 1e6:.1f} MB read in {seconds:.1f} s ({received / seconds / 1e6:.2f} MB/s); "
              f"proxy RSS {before / 2**20:.1f} MB before, {highest / 2**20:.1f} MB at most (+{(highest - before) / 2**20:.1f} MB), "
              f"{after / 2**20:.1f} MB after")
        if received < SIZE:
            raise SystemExit(f"proxy-slow-client: only {received} bytes arrived, {SIZE} expected")
        if highest - before >= LIMIT:
            raise SystemExit(f"proxy-slow-client: the proxy grew {(highest - before) / 2**20:.1f} MB (the bound is 10 MB)")
    finally:
        for process in (proxy, upstream):
            process.terminate()
            process.wait()
        os.unlink(scenario.name)


if __name__ == "__main__":
    main()
