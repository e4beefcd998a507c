"""The pytest plugin: a VideoMock server for the session, and for each test its own API key, clock
and verdict. Registered through the `pytest11` entry point when the package is installed."""
import os
import uuid

import pytest

from .server import Server
from .verdict import SEVERITIES, assert_client_behaved, describe, failing

_session_findings = []


def pytest_addoption(parser):
    group = parser.getgroup("videomock")
    group.addoption("--videomock-binary", help="the videomock binary (default: $VIDEOMOCK_BINARY, else on PATH)")
    group.addoption("--videomock-url", help="use the server running at this URL (default: $VIDEOMOCK_URL) instead of starting one")
    group.addoption("--videomock-verdict", choices=SEVERITIES,
                    help="fail the session when any test's client had a finding at or above this severity")
    parser.addini("videomock_scenario", "scenario files for the session's server", type="args", default=[])
    parser.addini("videomock_clock", "wall or manual", default=None)
    parser.addini("videomock_time_scale", "multiplies lifecycle durations", default=None)
    parser.addini("videomock_args", "extra videomock serve flags", type="args", default=[])


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "videomock(scenario=None, clock=None, time_scale=None, seed=None, provider=None, args=()): "
        "give this test a server of its own, started with these options")


def _start(config, **options):
    binary = config.getoption("--videomock-binary")
    return Server(binary=binary, **options).start()


@pytest.fixture(scope="session")
def videomock_server(pytestconfig):
    """One VideoMock server for the session: the one at --videomock-url or $VIDEOMOCK_URL, or one
    started with the ini options (videomock_scenario, videomock_clock, videomock_time_scale,
    videomock_args)."""
    url = pytestconfig.getoption("--videomock-url") or os.environ.get("VIDEOMOCK_URL")
    if url:
        yield Server.attach(url)
        return
    server = _start(
        pytestconfig,
        scenario=pytestconfig.getini("videomock_scenario") or None,
        clock=pytestconfig.getini("videomock_clock") or None,
        time_scale=pytestconfig.getini("videomock_time_scale") or None,
        args=pytestconfig.getini("videomock_args"))
    yield server
    server.stop()


class VideoMockForTest:
    """What a test gets from the `videomock` fixture: its own API key, its admin API (scoped to that
    key: its clock, tasks, journal, scenarios and verdict), and where to point its client."""

    def __init__(self, server, api_key):
        self.server = server
        self.api_key = api_key
        self.admin = server.admin(api_key=api_key)

    @property
    def url(self):
        return self.server.url

    def base_url(self, provider="aihubmix"):
        return self.server.base_url(provider)

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.api_key}"}

    def verdict(self):
        return self.admin.verdict()

    def assert_client_behaved(self, fail_on="warning"):
        return assert_client_behaved(self.admin, fail_on)


@pytest.fixture
def videomock(request, pytestconfig):
    """A fresh API key for this test on the session's server (or, with @pytest.mark.videomock, on
    a server of its own); everything of that key is reset after the test."""
    marker = request.node.get_closest_marker("videomock")
    own = _start(pytestconfig, **marker.kwargs) if marker else None
    server = own or request.getfixturevalue("videomock_server")
    mock = VideoMockForTest(server, f"sk-test-{uuid.uuid4().hex[:16]}")
    try:
        yield mock
        threshold = pytestconfig.getoption("--videomock-verdict")
        if threshold:
            verdict = mock.verdict()
            bad = failing(verdict, threshold)
            if bad:
                _session_findings.append((request.node.nodeid, describe(verdict, bad)))
    finally:
        if own:
            own.stop()
        else:
            mock.admin.reset()


def pytest_sessionfinish(session, exitstatus):
    if _session_findings and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if not _session_findings:
        return
    threshold = terminalreporter.config.getoption("--videomock-verdict")
    terminalreporter.section(f"videomock verdict: clients with findings at or above {threshold}")
    for nodeid, text in _session_findings:
        terminalreporter.write_line(nodeid)
        for line in text.splitlines():
            terminalreporter.write_line("    " + line)
