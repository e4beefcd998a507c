"""Verdict reports as CI displays them: JUnit XML (checked with junitparser) and one HTML page,
from the server (videomock verdict, serve --verdict-report) and from the pytest plugin."""
import json
import os
import signal
import subprocess
import urllib.request
import xml.etree.ElementTree as ElementTree

import pytest
from junitparser import Failure, JUnitXml

from videomock import Server

from clients import RETRIES_A_BAD_REQUEST

BINARY = os.environ.get("VIDEOMOCK_BINARY", "videomock")
CODES = 12


def tight_poller(server, key="sk-report"):
    """A client that polls in a tight loop: poll_too_fast, then it leaves (abandoned)."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    create = urllib.request.Request(server.base_url() + "/videos", data=b'{"model":"sora-2","prompt":"p"}', headers=headers)
    video = json.loads(urllib.request.urlopen(create).read())["id"]
    for _ in range(3):
        urllib.request.urlopen(urllib.request.Request(server.base_url() + f"/videos/{video}", headers=headers)).read()
    return video


def verdict(server, *arguments):
    return subprocess.run([BINARY, "verdict", "--url", server.url, *arguments], capture_output=True, text=True)


def test_junit_has_a_testcase_per_code_and_a_failure_per_failing_code(tmp_path):
    with Server(time_scale=0.2) as server:
        video = tight_poller(server)
        out = tmp_path / "verdict.xml"
        result = verdict(server, "--format", "junit", "--fail-on", "warning", "--output", str(out))
        assert result.returncode == 1
    xml = JUnitXml.fromfile(str(out))
    suites = list(xml)
    assert [suite.name for suite in suites] == ["videomock.verdict"]
    cases = {case.name: case for case in suites[0]}
    assert len(cases) == CODES
    failures = {name for name, case in cases.items() if any(isinstance(r, Failure) for r in case.result)}
    assert failures == {"poll_too_fast"}
    failure = next(r for r in cases["poll_too_fast"].result if isinstance(r, Failure))
    assert failure.message.startswith("poll_too_fast failed (1): Task ")
    assert f"GET /aihubmix/v1/videos/{video} → 200" in failure.text
    properties = {p.name: p.value for p in suites[0].properties()}
    assert properties["verdict"] == "warn" and properties["count.poll_too_fast"] == "1" and properties["count.abandoned"] == "1"
    assert suites[0].tests == CODES and suites[0].failures == 1


def test_codes_left_out_are_no_testcases(tmp_path):
    with Server(args=["--verdict-ignore", "abandoned", "--verdict-ignore", "never_downloaded"]) as server:
        tight_poller(server)
        out = tmp_path / "verdict.xml"
        verdict(server, "--format", "junit", "--output", str(out))
    names = {case.name for suite in JUnitXml.fromfile(str(out)) for case in suite}
    assert len(names) == CODES - 2 and "abandoned" not in names


def test_the_html_report_is_one_self_contained_page_with_the_findings_and_timelines(tmp_path):
    with Server(time_scale=0.2) as server:
        video = tight_poller(server)
        out = tmp_path / "verdict.html"
        assert verdict(server, "--format", "html", "--output", str(out)).returncode == 0
    page = out.read_text()
    assert page.startswith("<!doctype html>")
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'id="poll_too_fast"' in page and "was read again" in page
    assert "<svg" in page and page.count("<line ") >= 3
    assert video[:22] in page


@pytest.mark.parametrize("name, check", [
    ("report.json", lambda text: json.loads(text)["counts"] == {"retried_non_retryable": 1}),
    ("report.xml", lambda text: ElementTree.fromstring(text).find("testsuite").get("failures") == "1"),
    ("report.html", lambda text: "retried_non_retryable" in text and text.startswith("<!doctype html>")),
])
def test_serve_writes_its_report_in_the_format_its_name_asks_for(tmp_path, name, check):
    out = tmp_path / name
    process = subprocess.Popen([BINARY, "serve", "--port", "0", "--verdict-report", str(out)], stdout=subprocess.PIPE)
    url = process.stdout.readline().decode().split()[-1]
    body = json.dumps({"model": "sora-2", "prompt": "p", "seconds": "7"}).encode()
    for _ in range(2):
        request = urllib.request.Request(url + "/v1/videos", data=body, headers={"Authorization": "Bearer k", "Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request)
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0
    assert check(out.read_text())


def test_serve_refuses_a_report_name_it_cannot_tell_the_format_of():
    result = subprocess.run([BINARY, "serve", "--port", "0", "--verdict-report", "verdict.pdf"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "--verdict-report must end in .json, .xml (JUnit) or .html, got 'verdict.pdf'" in result.stderr


def test_the_plugin_writes_junit_naming_each_findings_test(pytester, tmp_path):
    pytester.makepyfile(test_rude=RETRIES_A_BAD_REQUEST + "\n\ndef test_does_nothing(videomock):\n    pass\n")
    out = tmp_path / "verdict.xml"
    result = pytester.runpytest_subprocess("--videomock-verdict=error", f"--videomock-verdict-report={out}")
    assert result.ret == 1
    suite = next(iter(JUnitXml.fromfile(str(out))))
    case = next(case for case in suite if case.name == "retried_non_retryable")
    failure = next(r for r in case.result if isinstance(r, Failure))
    assert "test_rude.py::test_retries_a_bad_request" in failure.text
