"""The package and its pytest plugin, against the freshly built binary ($VIDEOMOCK_BINARY)."""
import json
import os
import subprocess
import urllib.request

import openai
import pytest

import videomock
from videomock import AdminError, ClientMisbehaved, Server

from clients import RETRIES_A_BAD_REQUEST


def call(method, url, headers=None, body=None):
    """One plain HTTP request, as a client under test would send it."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


CONTENT_POLICY = """
version: 1
rules:
  - when: { prompt_contains: forbidden }
    outcome: { fail: { code: content_policy_violation, message: "blocked" } }
"""


@pytest.mark.videomock(clock="manual")
def test_content_policy_failure_is_reported(videomock):
    """The README's example, with the fixtures."""
    videomock.admin.load_scenario(CONTENT_POLICY)
    status, body = call("POST", videomock.base_url("aihubmix") + "/videos", videomock.headers,
                        {"model": "sora-2", "prompt": "something forbidden"})
    assert status == 200
    video = json.loads(body)
    videomock.admin.advance(10)
    status, body = call("GET", videomock.base_url("aihubmix") + f"/videos/{video['id']}", videomock.headers)
    failed = json.loads(body)
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "content_policy_violation"
    assert failed["error"]["message"] == "blocked"
    sent = videomock.admin.requests(endpoint="create")
    assert len(sent) == 1
    assert '"prompt": "something forbidden"' in sent[0]["body"]


@pytest.mark.videomock(time_scale=0.02)
def test_openai_sdk_create_and_poll_then_download_passes_the_verdict(videomock, tmp_path):
    client = openai.OpenAI(base_url=videomock.base_url("aihubmix"), api_key=videomock.api_key)
    video = client.videos.create_and_poll(model="sora-2", prompt="A calm lake at dawn", seconds="4", size="1280x720")
    assert video.status == "completed"
    assert video.seconds == "4"
    target = tmp_path / "lake.mp4"
    client.videos.download_content(video.id).write_to_file(target)
    assert target.read_bytes()[4:8] == b"ftyp"
    verdict = videomock.assert_client_behaved(fail_on="info")
    assert verdict["verdict"] == "pass"
    assert verdict["tasks"] == 1


def test_each_test_has_its_own_key_reset_afterwards(videomock, videomock_server):
    assert videomock.api_key.startswith("sk-test-")
    assert videomock.url == videomock_server.url
    status, _ = call("POST", videomock.base_url() + "/videos", videomock.headers, {"model": "sora-2", "prompt": "p"})
    assert status == 200
    assert len(videomock.admin.tasks()) == 1
    other = videomock_server.admin(api_key="sk-someone-else")
    assert other.tasks() == []


def test_a_misbehaving_client_fails_with_its_findings(videomock):
    bad = {"model": "sora-2", "prompt": "p", "seconds": "7"}
    for _ in range(2):
        status, _ = call("POST", videomock.base_url() + "/videos", videomock.headers, bad)
        assert status == 400
    with pytest.raises(ClientMisbehaved) as failure:
        videomock.assert_client_behaved()
    text = str(failure.value)
    assert "ERROR retried_non_retryable [aihubmix]" in text
    assert "POST /aihubmix/v1/videos -> 400" in text


def test_admin_errors_carry_the_message_line_and_column(videomock):
    with pytest.raises(AdminError) as failure:
        videomock.admin.load_scenario("version: 1\nrules:\n  - respond: { fault: explode }\n")
    assert failure.value.status == 400
    assert failure.value.line == 3
    assert "unknown fault 'explode'" in failure.value.message


def test_the_admin_api_from_python(videomock):
    admin = videomock.admin
    assert admin.health()["status"] == "ok"
    start = admin.now()
    admin.advance(60)
    assert admin.clock()["offset"] == 60
    assert admin.now() >= start + 60
    status, body = call("POST", videomock.base_url("amux") + "/video/generations", videomock.headers,
                        {"model": "kling-v2-master", "prompt": "p"})
    task_id = json.loads(body)["task_id"]
    assert admin.task(task_id)["provider"] == "amux"
    assert admin.fail(task_id, code="upstream_error", message="GPU on fire")["error"] == {
        "code": "upstream_error", "message": "GPU on fire"}
    assert admin.count(provider="amux") == 1
    assert [task["id"] for task in admin.tasks()] == [task_id]
    admin.reset()
    assert admin.tasks() == []
    assert admin.clock()["offset"] == 0


def test_a_server_of_ones_own_and_the_binary_not_found(tmp_path, monkeypatch):
    with Server(scenario=CONTENT_POLICY, clock="manual", provider="mixroute", seed=7) as server:
        assert server.admin().clock()["mode"] == "manual"
        assert server.admin().scenarios()[0]["rules"][0]["name"] == "rule 1"
        status, _ = call("GET", server.url + "/v1/video/generations/nothing", {"Authorization": "Bearer k"})
        assert status == 404
    monkeypatch.setenv("VIDEOMOCK_BINARY", str(tmp_path / "nowhere"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(videomock.BinaryNotFound, match="set VIDEOMOCK_BINARY"):
        Server().start()


ISOLATION = """
import json, time, urllib.request

def post(url, headers, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    return json.loads(urllib.request.urlopen(request).read())

def status(videomock, video):
    request = urllib.request.Request(videomock.base_url() + "/videos/" + video, headers=videomock.headers)
    return json.loads(urllib.request.urlopen(request).read())["status"]

def check(videomock):
    video = post(videomock.base_url() + "/videos", videomock.headers, {"model": "sora-2", "prompt": "p"})["id"]
    for _ in range(5):
        time.sleep(0.05)  # meanwhile other workers advance their own clocks
        assert status(videomock, video) == "queued"
    videomock.admin.advance(10)
    assert status(videomock, video) == "completed"
    assert len(videomock.admin.tasks()) == 1

"""


def test_parallel_workers_on_one_server_never_see_each_other(pytester):
    """pytest -n 4, every worker and test on one shared server, each test with its own key and clock."""
    pytester.makepyfile(test_isolation=ISOLATION + "\n".join(f"def test_{n}(videomock):\n    check(videomock)\n" for n in range(12)))
    with Server(clock="manual") as shared:
        result = pytester.runpytest_subprocess("-n", "4", "-p", "xdist", f"--videomock-url={shared.url}")
        result.assert_outcomes(passed=12)
        # Every test's key was reset after it: nothing is left behind on the shared server.
        assert shared.admin().tasks() == []


def test_attach_mode_uses_a_server_started_separately(pytester, monkeypatch):
    pytester.makepyfile(test_attached="""
def test_attached(videomock, videomock_server):
    assert videomock_server.process is None
    assert videomock.admin.health()["status"] == "ok"
""")
    with Server() as running:
        monkeypatch.setenv("VIDEOMOCK_URL", running.url)
        result = pytester.runpytest_subprocess()
        result.assert_outcomes(passed=1)
        assert running.process.poll() is None


def test_the_session_fails_when_a_client_misbehaved(pytester):
    pytester.makepyfile(test_rude=RETRIES_A_BAD_REQUEST)
    result = pytester.runpytest_subprocess("--videomock-verdict=warning")
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*videomock verdict*", "*test_retries_a_bad_request*", "*ERROR retried_non_retryable*"])


TIGHT_AND_GOOD = """
import json, time, urllib.request

def post(videomock, body):
    request = urllib.request.Request(videomock.base_url() + "/videos", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **videomock.headers})
    return json.loads(urllib.request.urlopen(request).read())

def read(videomock, video):
    request = urllib.request.Request(videomock.base_url() + "/videos/" + video, headers=videomock.headers)
    with urllib.request.urlopen(request) as reply:
        return json.loads(reply.read()), float(reply.headers.get("openai-poll-after-ms", "0")) / 1000

def poll(videomock, wait_as_advised):
    video = post(videomock, {"model": "sora-2", "prompt": "p"})["id"]
    while True:
        shown, advised = read(videomock, video)
        if shown["status"] == "completed":
            break
        time.sleep(advised * 1.1 if wait_as_advised else 0.001)
    request = urllib.request.Request(videomock.base_url() + "/videos/" + video + "/content", headers=videomock.headers)
    urllib.request.urlopen(request).read()

def test_patient_1(videomock):
    poll(videomock, True)

def test_patient_2(videomock):
    poll(videomock, True)

def test_patient_3(videomock):
    poll(videomock, True)
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2", "-p", "xdist"]], ids=["serial", "xdist"])
def test_the_verdict_gate_fires_with_and_without_xdist(pytester, workers, tmp_path):
    """A tight-loop poller fails the session (naming its test), serially and under -n 2; the
    report file has every test's findings, each with its test."""
    pytester.makepyfile(test_gate=TIGHT_AND_GOOD + "\ndef test_impatient(videomock):\n    poll(videomock, False)\n")
    report = tmp_path / "verdict.json"
    with Server(time_scale=0.05) as shared:
        result = pytester.runpytest_subprocess(*workers, f"--videomock-url={shared.url}", "--videomock-verdict=warning",
                                               f"--videomock-verdict-report={report}")
        result.assert_outcomes(passed=4)
        assert result.ret == 1
        result.stdout.fnmatch_lines(["*videomock verdict: clients with findings at or above warning*",
                                     "*test_gate.py::test_impatient", "*WARNING poll_too_fast*"])
        assert "verdict: fail" in result.stdout.lines[-1] and "4 passed" in result.stdout.lines[-1]
        written = json.loads(report.read_text())
        assert written["verdict"] == "warn"
        assert {finding["test"] for finding in written["findings"]} == {"test_gate.py::test_impatient"}
        assert sorted(test["test"] for test in written["tests"]) == [
            "test_gate.py::test_impatient", "test_gate.py::test_patient_1", "test_gate.py::test_patient_2",
            "test_gate.py::test_patient_3"]
        # Each test's key was reset, yet the session's verdict is still there for the CI step.
        session = shared.admin().verdict()
        assert session["counts"].get("poll_too_fast") == 1
        assert session["requests"] > 10
        cli = subprocess.run([os.environ["VIDEOMOCK_BINARY"], "verdict", "--url", shared.url, "--fail-on", "warning"],
                             capture_output=True, text=True)
        assert cli.returncode == 1 and "WARNING poll_too_fast" in cli.stdout


@pytest.mark.parametrize("workers", [[], ["-n", "2", "-p", "xdist"]], ids=["serial", "xdist"])
def test_well_behaved_clients_pass_the_gate_with_and_without_xdist(pytester, workers):
    pytester.makepyfile(test_gate=TIGHT_AND_GOOD)
    with Server(time_scale=0.05) as shared:
        result = pytester.runpytest_subprocess(*workers, f"--videomock-url={shared.url}", "--videomock-verdict=warning")
    result.assert_outcomes(passed=3)
    assert result.ret == 0
    assert "verdict: fail" not in result.stdout.str()


def test_a_server_that_cannot_start_shows_its_output():
    with pytest.raises(RuntimeError) as failure:
        Server(args=["--threads", "0"]).start()
    message = str(failure.value)
    assert "--threads must be from 1 to 256" in message
    assert "videomock did not start" in message and ".log" in message


def test_the_package_and_the_binary_agree_on_the_version():
    printed = subprocess.run([os.environ["VIDEOMOCK_BINARY"], "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert printed == videomock.__version__
    with Server() as server:
        assert server.admin().health()["version"] == videomock.__version__


def test_the_bundled_binary_comes_after_the_flag_and_the_environment(tmp_path, monkeypatch):
    """--videomock-binary, then $VIDEOMOCK_BINARY, then the binary the wheel carries, then PATH."""
    from videomock import binary
    fake_bundle = tmp_path / "bundled"
    fake_bundle.write_bytes(b"\x7fELF")
    fake_bundle.chmod(0o755)
    monkeypatch.setattr(binary, "_BUNDLED", fake_bundle)
    assert binary.find_binary("/bin/true") == "/bin/true"
    monkeypatch.setenv("VIDEOMOCK_BINARY", "/bin/false")
    assert binary.find_binary() == "/bin/false"
    monkeypatch.delenv("VIDEOMOCK_BINARY")
    assert binary.find_binary() == str(fake_bundle)
    monkeypatch.setattr(binary, "_BUNDLED", tmp_path / "absent")
    on_path = tmp_path / "path"
    on_path.mkdir()
    (on_path / "videomock").write_bytes(b"#!/usr/bin/python\n")  # a console script, not the server
    (on_path / "videomock").chmod(0o755)
    monkeypatch.setenv("PATH", str(on_path))
    with pytest.raises(videomock.BinaryNotFound, match="container image"):
        binary.find_binary()
