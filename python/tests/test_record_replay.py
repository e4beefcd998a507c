"""Record through the proxy (a second VideoMock stands in for the real gateway, over HTTP and over
TLS), replay offline, and measure drift."""
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request

import openai
import pytest

from tls_gateway import TLSGateway
from videomock import Server
from videomock.binary import find_binary

KEY = "sk-live-recording-key-0123456789"
PROVIDERS = ("aihubmix", "mixroute", "amux")


def call(method, url, body=None, key=KEY):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# The clients under test: each returns the statuses it saw while polling, and the video.

def openai_client(base):
    statuses = []
    client = openai.OpenAI(base_url=base + "/aihubmix/v1", api_key=KEY)
    retrieve = client.videos.retrieve

    def seen(*args, **kwargs):  # create_and_poll reads the task through retrieve (its raw-response form)
        result = retrieve(*args, **kwargs)
        statuses.append((result.parse() if hasattr(result, "parse") else result).status)
        return result

    client.videos.retrieve = seen
    video = client.videos.create_and_poll(model="sora-2", prompt="A lighthouse in a storm", seconds="4", size="1280x720")
    assert video.status == "completed"
    return statuses, client.videos.download_content(video.id).read()


def poll_until_done(url, done):
    statuses = []
    for _ in range(400):
        status, _, body = call("GET", url)
        assert status == 200, body
        task = json.loads(body)
        statuses.append(task["status"])
        if task["status"] in done:
            return statuses, task
        time.sleep(0.02)
    raise AssertionError(f"never done: {statuses[-5:]}")


def mixroute_client(base):
    status, _, body = call("POST", base + "/mixroute/v1/video/generations", {"model": "sora-2", "prompt": "A red kite over dunes"})
    assert status == 200, body
    statuses, task = poll_until_done(base + "/mixroute/v1/video/generations/" + json.loads(body)["task_id"], ("succeeded", "failed"))
    status, headers, video = call("GET", task["url"], key=None)  # the signed link needs no key
    assert status == 200 and headers["Content-Type"] == "video/mp4"
    return statuses, video


def amux_client(base):
    request = {"model": "doubao-seedance-2.0", "prompt": "An otter in a beret", "duration": 5, "width": 1280, "height": 720}
    status, _, body = call("POST", base + "/amux/v1/video/generations", request)
    assert status == 200, body
    statuses, task = poll_until_done(base + "/amux/v1/video/generations/" + json.loads(body)["task_id"], ("completed", "failed"))
    status, headers, video = call("GET", task["url"])
    assert status == 200 and headers["Content-Type"] == "video/mp4"
    return statuses, video


CLIENTS = (openai_client, mixroute_client, amux_client)


def proxy_args(upstream_base, recording, extra=()):
    args = []
    for provider in PROVIDERS:
        args += ["--upstream", f"{provider}={upstream_base}/{provider}"]
    return args + ["--record", str(recording), *extra]


def video_of(chunked):
    """A chunked body's bytes."""
    body = b""
    while True:
        size_line, _, chunked = chunked.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return body
        body, chunked = body + chunked[:size], chunked[size + 2:]


def read_recording(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def drift(path, *flags):
    return subprocess.run([find_binary(None), "drift", str(path), *flags], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """Every client run through the proxy over plain HTTP; the upstream stopped afterwards."""
    recording = tmp_path_factory.mktemp("record") / "gateway.jsonl"
    seen = {}
    with Server(time_scale=0.05) as upstream, Server(args=proxy_args(upstream.url, recording)) as proxy:
        for client in CLIENTS:
            seen[client.__name__] = client(proxy.url)
        summary = proxy.admin().recording()
    return recording, seen, summary


def test_the_recording_holds_every_exchange_and_no_key(recorded):
    recording, seen, summary = recorded
    text = recording.read_text()
    assert KEY not in text
    assert "sk-live" not in text
    lines = read_recording(recording)
    assert summary["exchanges"] == len(lines) and summary["tasks"] == 3
    assert {line["provider"] for line in lines} == set(PROVIDERS)
    create = next(line for line in lines if line["provider"] == "aihubmix" and line["endpoint"] == "create")
    headers = {name.lower(): value for name, value in create["request"]["headers"].items()}
    assert headers["authorization"] == "[redacted]"
    # The SDK sends a form: its fields are written as they came.
    fields = {part["name"]: part["value"] for part in create["request"]["body"]["multipart"]}
    assert fields == {"model": "sora-2", "prompt": "A lighthouse in a storm", "seconds": "4", "size": "1280x720"}
    assert create["response"]["body"]["json"]["status"] == "queued"
    assert create["task"] == create["response"]["body"]["json"]["id"]
    # Downloads are described, with what the MP4 holds; the signed link's credential is not written.
    download = next(line for line in lines if line["provider"] == "aihubmix" and line["endpoint"] == "content")
    media = download["response"]["body"]["media"]
    assert media["content_type"] == "video/mp4" and len(media["sha256"]) == 64
    assert media["mp4"] == {"seconds": 4, "width": 1280, "height": 720, "fps": 24, "audio": True}
    done = [line for line in lines if line["provider"] == "mixroute" and line["endpoint"] == "retrieve"][-1]
    assert "signature=[redacted]" in done["response"]["body"]["json"]["url"]
    # Each client saw the task move, and a real video.
    for statuses, video in seen.values():
        assert video[4:8] == b"ftyp"
        assert len(statuses) >= 2


def test_the_proxy_rewrites_the_upstreams_links_and_journals_what_it_relayed(tmp_path):
    with Server(time_scale=0) as upstream, Server(args=proxy_args(upstream.url, tmp_path / "r.jsonl")) as proxy:
        status, _, body = call("POST", proxy.url + "/amux/v1/video/generations", {"model": "doubao-seedance-2.0", "prompt": "p"})
        task_id = json.loads(body)["task_id"]
        status, _, body = call("GET", f"{proxy.url}/amux/v1/video/generations/{task_id}")
        assert json.loads(body)["url"] == f"{proxy.url}/amux/v1/video/generations/{task_id}/content"
        journal = proxy.admin().requests()
        assert [(entry["endpoint"], entry["status"], entry["rule"], entry["task"]) for entry in journal[-2:]] == [
            ("create", 200, "upstream", task_id), ("retrieve", 200, "upstream", task_id)]
        assert proxy.admin().tasks() == []  # the gateway's tasks are not VideoMock's
        status, _, body = call("GET", proxy.url + "/__admin/health", key=None)
        assert status == 200  # the admin API is VideoMock's own, never proxied


@pytest.mark.parametrize("pace", ["polls", "time"])
def test_replay_serves_the_same_lifecycles_offline(recorded, pace):
    recording, seen, _ = recorded
    with Server(args=["--replay", str(recording), "--replay-by", pace, "--replay-strict"]) as replay:
        for client in CLIENTS:
            statuses, video = client(replay.url)
            assert video[4:8] == b"ftyp"
            recorded_statuses = seen[client.__name__][0]
            if pace == "polls":
                assert statuses == recorded_statuses, client.__name__
            else:
                # By time, polls land at other instants: the states are the recorded ones, in order.
                collapse = lambda items: [s for i, s in enumerate(items) if i == 0 or items[i - 1] != s]
                assert collapse(statuses)[-1] == recorded_statuses[-1]
                assert set(statuses) <= set(recorded_statuses), client.__name__
        summary = replay.admin().replay()
        assert summary["matched"] == 3 and summary["missed"] == 0
        assert all(task["notes"] == [] for task in summary["tasks"])


def test_a_replayed_video_is_made_as_recorded(recorded):
    recording, _, _ = recorded
    with Server(args=["--replay", str(recording)], time_scale=0) as replay:
        client = openai.OpenAI(base_url=replay.base_url("aihubmix"), api_key=KEY)
        # Any prompt matches the recorded create of the same model and parameters.
        video = client.videos.create_and_poll(model="sora-2", prompt="Another prompt", seconds="4", size="1280x720")
        assert video.prompt == "Another prompt"
        data = client.videos.download_content(video.id).read()
        path = recording.parent / "replayed.mp4"
        path.write_bytes(data)
        line = next(x for x in read_recording(recording) if x["provider"] == "aihubmix" and x["endpoint"] == "content")
        assert line["response"]["body"]["media"]["mp4"]["width"] == 1280
        assert data[4:8] == b"ftyp" and len(data) > 1000


def test_a_request_no_recording_matches(recorded):
    recording, _, _ = recorded
    other = {"model": "sora-2-pro", "prompt": "p", "seconds": "8", "size": "1280x720"}
    with Server(args=["--replay", str(recording), "--replay-strict"]) as strict:
        status, _, body = call("POST", strict.url + "/aihubmix/v1/videos", other)
        error = json.loads(body)["error"]
        assert status == 404 and error["code"] == "replay_miss"
        assert "closest recording is POST /aihubmix/v1/videos of model sora-2" in error["message"]
        assert strict.admin().replay()["missed"] == 1
    with Server(args=["--replay", str(recording)]) as lenient:
        status, _, body = call("POST", lenient.url + "/aihubmix/v1/videos", other)
        assert status == 200 and json.loads(body)["model"] == "sora-2-pro"  # emulated


def test_replayed_tasks_follow_the_keys_clock(recorded):
    recording, _, _ = recorded
    with Server(args=["--replay", str(recording)], clock="manual") as replay:
        status, _, body = call("POST", replay.url + "/amux/v1/video/generations",
                               {"model": "doubao-seedance-2.0", "prompt": "x", "duration": 5, "width": 1280, "height": 720})
        task_id = json.loads(body)["task_id"]
        url = f"{replay.url}/amux/v1/video/generations/{task_id}"
        first = json.loads(call("GET", url)[2])["status"]
        assert json.loads(call("GET", url)[2])["status"] == first  # the clock stands still
        replay.admin(api_key=KEY).advance(60)
        assert json.loads(call("GET", url)[2])["status"] == "completed"
        assert [task["id"] for task in replay.admin(api_key=KEY).tasks()] == [task_id]


def test_a_recorded_refusal_is_answered_as_recorded(tmp_path):
    recording = tmp_path / "refusals.jsonl"
    limited = "version: 1\nrules:\n  - when: { endpoint: create, nth: 1 }\n    respond: { status: 429, headers: { Retry-After: '3' } }\n"
    body = {"model": "sora-2", "prompt": "p", "seconds": "4", "size": "1280x720"}
    with Server(scenario=limited, time_scale=0) as upstream, Server(args=proxy_args(upstream.url, recording)) as proxy:
        assert call("POST", proxy.url + "/aihubmix/v1/videos", body)[0] == 429
        assert call("POST", proxy.url + "/aihubmix/v1/videos", body)[0] == 200
        assert call("POST", proxy.url + "/aihubmix/v1/videos", {**body, "seconds": "7"})[0] == 400
    with Server(args=["--replay", str(recording)], time_scale=0) as replay:
        status, headers, _ = call("POST", replay.url + "/aihubmix/v1/videos", body)
        assert status == 429 and headers["Retry-After"] == "3"
        assert call("POST", replay.url + "/aihubmix/v1/videos", body)[0] == 200
        status, _, reply = call("POST", replay.url + "/aihubmix/v1/videos", {**body, "seconds": "7"})
        assert status == 400 and json.loads(reply)["error"]["param"] == "seconds"


def test_drift_against_videomock_itself_is_none(recorded):
    recording, _, _ = recorded
    result = drift(recording)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("no drift")
    report = json.loads(drift(recording, "--format", "json").stdout)
    assert report["drift"] is False and report["differences"] == 0
    compared = {(row["provider"], row["endpoint"]): row["compared"] for row in report["rows"]}
    assert compared[("aihubmix", "retrieve")] >= 2 and compared[("mixroute", "content")] == 1 and compared[("amux", "create")] == 1


def test_drift_reports_exactly_what_was_changed(recorded, tmp_path):
    recording, _, _ = recorded
    lines = read_recording(recording)
    for line in lines:
        reply = (line["response"]["body"] or {}).get("json")
        if line["provider"] == "amux" and line["endpoint"] == "retrieve":
            reply["eta_seconds"] = reply.pop("progress")  # a renamed field
        if line["provider"] == "mixroute" and line["endpoint"] == "retrieve" and reply["status"] == "processing":
            reply["status"] = "running"  # a new status word
        if line["provider"] == "aihubmix" and line["endpoint"] == "retrieve":
            reply["seconds"] = int(reply["seconds"])  # a type changed
    unknown = json.loads(json.dumps(next(x for x in lines if x["provider"] == "aihubmix" and x["endpoint"] == "create")))
    for part in unknown["request"]["body"]["multipart"]:
        if part["name"] == "model":
            part["value"] = "sora-3"
    unknown["task"] = "video_unknown"
    lines.append(unknown)
    edited = tmp_path / "edited.jsonl"
    edited.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = drift(edited, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    found = sorted((row["provider"], row["endpoint"], d["kind"], d["path"], d["recorded"], d["videomock"])
                   for row in report["rows"] for d in row["differences"])
    assert found == [
        ("aihubmix", "retrieve", "type", "seconds", "number", "string"),
        ("amux", "retrieve", "extra_field", "progress", "", "number"),
        ("amux", "retrieve", "missing_field", "eta_seconds", "number", ""),
        ("mixroute", "retrieve", "word", "status", "running", "processing"),
    ]
    assert report["unknown_models"] == [{"provider": "aihubmix", "model": "sora-3"}]
    text = drift(edited).stdout
    assert "unknown model: aihubmix sora-3 is in no catalog" in text and text.strip().endswith("drift: 5 differences")


def test_recording_over_tls_through_a_compressing_gateway(tmp_path):
    recording = tmp_path / "tls.jsonl"
    with Server(time_scale=0.05) as upstream, TLSGateway(upstream.url) as gateway:
        ca = gateway.write_ca(tmp_path / "ca.pem")
        args = proxy_args(gateway.url, recording, ["--upstream-ca", ca])
        with Server(args=args) as proxy:
            statuses, video = openai_client(proxy.url)
            assert statuses[-1] == "completed" and video[4:8] == b"ftyp"
            mixroute_client(proxy.url)
            # Only codings the proxy decodes are asked for upstream: it decodes documents to
            # rewrite and record them.
            request = urllib.request.Request(proxy.url + "/aihubmix/v1/videos?limit=1", headers={
                "Authorization": f"Bearer {KEY}", "Accept-Encoding": "br, gzip;q=0.9, zstd"})
            with urllib.request.urlopen(request, timeout=30) as reply:
                assert json.loads(reply.read())["object"] == "list" and reply.headers.get("Content-Encoding") is None
            assert gateway.requests[-1][2]["Accept-Encoding"] == "gzip;q=0.9"
            # The gateway chunks the video: an HTTP/1.1 client gets chunks, an HTTP/1.0 one the
            # bytes until the connection closes; both the same video.
            video_id = json.loads(call("POST", proxy.url + "/aihubmix/v1/videos", {"model": "sora-2", "prompt": "p"})[2])["id"]
            poll_until_done(f"{proxy.url}/aihubmix/v1/videos/{video_id}", ("completed",))
            host, port = proxy.url.split("//")[1].split(":")
            replies = {}
            for version in ("HTTP/1.1", "HTTP/1.0"):
                with socket.create_connection((host, int(port)), timeout=10) as raw:
                    raw.sendall(f"GET /aihubmix/v1/videos/{video_id}/content {version}\r\nHost: {host}\r\n"
                                f"Authorization: Bearer {KEY}\r\nConnection: close\r\n\r\n".encode())
                    data = b""
                    while chunk := raw.recv(65536):
                        data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                replies[version] = (head.decode().lower(), body)
            assert "transfer-encoding: chunked" in replies["HTTP/1.1"][0]
            assert "transfer-encoding" not in replies["HTTP/1.0"][0] and "content-length" not in replies["HTTP/1.0"][0]
            assert replies["HTTP/1.0"][1][4:8] == b"ftyp" and replies["HTTP/1.0"][1] == video_of(replies["HTTP/1.1"][1])
        # The gateway compressed JSON and chunked everything; the recording holds it decoded.
        assert any("gzip" in headers.get("Accept-Encoding", "") for _, _, headers in gateway.requests)
        lines = read_recording(recording)
        create = next(line for line in lines if line["endpoint"] == "create")
        assert create["response"]["headers"]["Content-Encoding"] if False else "Content-Encoding" not in create["response"]["headers"]
        assert create["response"]["body"]["json"]["status"] == "queued"
        assert KEY not in recording.read_text()
        # Without the CA the gateway's certificate is refused: a 502 naming the upstream and why.
        with Server(args=proxy_args(gateway.url, tmp_path / "refused.jsonl")) as untrusting:
            status, _, body = call("POST", untrusting.url + "/aihubmix/v1/videos", {"model": "sora-2", "prompt": "p"})
            error = json.loads(body)["error"]
            assert status == 502 and error["code"] == "upstream_tls"
            assert gateway.url in error["message"] and "certificate verify failed" in error["message"]
    # With the gateway gone: a 502 naming it, in the provider's envelope.
    with Server(args=proxy_args("http://127.0.0.1:9", tmp_path / "gone.jsonl")) as orphan:
        status, _, body = call("POST", orphan.url + "/mixroute/v1/video/generations", {"model": "sora-2", "prompt": "p"})
        assert status == 502 and "http://127.0.0.1:9/mixroute" in body.decode() and "Connection refused" in body.decode()


def test_the_verdict_judges_proxied_clients_by_what_the_gateway_showed(tmp_path):
    with Server(time_scale=0) as upstream, Server(args=proxy_args(upstream.url, tmp_path / "v.jsonl")) as proxy:
        _, _, body = call("POST", proxy.url + "/aihubmix/v1/videos", {"model": "sora-2", "prompt": "p", "seconds": "4"})
        task_id = json.loads(body)["id"]
        for _ in range(4):  # it completed at the first read; three more reads are too many
            assert json.loads(call("GET", f"{proxy.url}/aihubmix/v1/videos/{task_id}")[2])["status"] == "completed"
        status, headers, _ = call("HEAD", f"{proxy.url}/aihubmix/v1/videos/{task_id}/content")
        assert status == 200 and int(headers["Content-Length"]) > 1000  # HEAD: the length the video has
        codes = {finding["code"] for finding in proxy.admin(api_key=KEY).verdict()["findings"]}
        assert "polled_after_terminal" in codes


def test_upstream_key_replaces_the_clients_and_is_never_recorded(tmp_path):
    real = "sk-upstream-only-0123456789"
    recording = tmp_path / "key.jsonl"
    with Server(api_keys=[real], time_scale=0) as upstream:
        args = proxy_args(upstream.url, recording, ["--upstream-key", f"aihubmix={real}"])
        with Server(args=args) as proxy:
            status, _, body = call("POST", proxy.url + "/aihubmix/v1/videos", {"model": "sora-2", "prompt": "p"}, key="sk-dummy")
            assert status == 200, body
        with Server(args=proxy_args(upstream.url, tmp_path / "own.jsonl")) as plain:
            assert call("POST", plain.url + "/aihubmix/v1/videos", {"model": "sora-2", "prompt": "p"}, key="sk-dummy")[0] == 401
    text = recording.read_text()
    assert real not in text and "sk-dummy" not in text and text.count("[redacted]") >= 1
