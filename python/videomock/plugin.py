"""The pytest plugin: a VideoMock server for the session, and for each test its own API key, clock
and verdict. Registered through the `pytest11` entry point when the package is installed."""
import json
import os
import subprocess
import tempfile
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from .binary import find_binary
from .server import Server
from .types import Finding, Verdict
from .verdict import SEVERITIES, assert_client_behaved, describe, failing

# The name under which each test's verdict travels on its teardown report: reports reach the
# controller under pytest-xdist, where the session is judged; module state would not.
_PROPERTY = "videomock_verdict"
_STATS_KEY = "verdict: fail"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("videomock")
    group.addoption("--videomock-binary", help="the videomock binary (default: $VIDEOMOCK_BINARY, else on PATH)")
    group.addoption("--videomock-url", help="use the server running at this URL (default: $VIDEOMOCK_URL) instead of starting one")
    group.addoption("--videomock-verdict", choices=SEVERITIES,
                    help="fail the session when any test's client had a finding at or above this severity")
    group.addoption("--videomock-verdict-report", metavar="FILE",
                    help="write every test's verdict findings, with the test each belongs to, to FILE: .json, .xml (JUnit) or .html")
    parser.addini("videomock_scenario", "scenario files for the session's server", type="args", default=[])
    parser.addini("videomock_clock", "wall or manual", default=None)
    parser.addini("videomock_time_scale", "multiplies lifecycle durations", default=None)
    parser.addini("videomock_args", "extra videomock serve flags", type="args", default=[])


class SessionVerdict:
    """The verdicts of the session's tests, gathered from their reports (in the controller, under
    pytest-xdist)."""

    def __init__(self, threshold: Optional[str], report_path: Optional[str], binary: Optional[str] = None) -> None:
        self.threshold = threshold
        self.report_path = report_path
        #: --videomock-binary, which renders the XML and HTML reports.
        self.binary = binary
        self.tests: List[Dict[str, Any]] = []

    def failing(self) -> List[Tuple[str, List[Finding]]]:
        """(test, findings at or above the threshold) for each test that has any."""
        if not self.threshold:
            return []
        found = [(test["test"], failing(test, self.threshold)) for test in self.tests]
        return [(nodeid, findings) for nodeid, findings in found if findings]

    # Hooks: this object is registered as a plugin of the session.

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Gathers each test's verdict from its teardown report, wherever the test ran."""
        if report.when == "teardown":
            self.tests += [{"test": report.nodeid, **verdict} for name, verdict in report.user_properties if name == _PROPERTY]

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if hasattr(session.config, "workerinput"):
            return  # an xdist worker: the controller judges the session
        if self.report_path:
            self.write_report()
        if self.failing() and exitstatus == 0:
            session.exitstatus = 1

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        bad = self.failing()
        if not bad:
            return
        terminalreporter.section(f"videomock verdict: clients with findings at or above {self.threshold}")
        tests = {test["test"]: test for test in self.tests}
        for nodeid, findings in bad:
            terminalreporter.write_line(nodeid)
            for line in describe(tests[nodeid], findings).splitlines():
                terminalreporter.write_line("    " + line)
        # The closing line counts the tests whose client failed the verdict beside the passed ones.
        terminalreporter.stats.setdefault(_STATS_KEY, []).extend(nodeid for nodeid, _ in bad)

    def write_report(self) -> None:
        """The session's verdict, each finding naming its test: JSON as it is; JUnit XML (.xml) or
        HTML (.html) rendered by the videomock binary, which renders the server's own reports."""
        counts: Dict[str, int] = {}
        for test in self.tests:
            for code, count in test["counts"].items():
                counts[code] = counts.get(code, 0) + count
        worst = max((SEVERITIES.index(f["severity"]) for t in self.tests for f in t["findings"]), default=-1)
        judged = sorted({code for test in self.tests for code in test.get("judged", [])})
        report = {
            "verdict": {2: "fail", 1: "warn"}.get(worst, "pass"),
            "findings": [{"test": t["test"], **finding} for t in self.tests for finding in t["findings"]],
            "counts": counts,
            "tasks": sum(test["tasks"] for test in self.tests),
            "requests": sum(test["requests"] for test in self.tests),
            "judged": judged,
            "fail_on": self.threshold,
            "tests": self.tests,
        }
        path = str(self.report_path)
        form = "junit" if path.endswith(".xml") else "html" if path.endswith((".html", ".htm")) else None
        if form is None:
            with open(path, "w", encoding="utf-8") as file:
                json.dump(report, file, indent=2)
                file.write("\n")
            return
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(report, file)
        try:
            subprocess.run([find_binary(self.binary), "verdict", "--input", file.name, "--format", form, "--output", path,
                            "--fail-on", self.threshold or "error", "--allow-empty"], capture_output=True, check=False)
        finally:
            os.remove(file.name)
        if not os.path.exists(path):
            raise pytest.UsageError(f"--videomock-verdict-report: could not write {path}")


_session_key = pytest.StashKey[SessionVerdict]()


def pytest_configure(config: pytest.Config) -> None:
    judged = SessionVerdict(config.getoption("--videomock-verdict"), config.getoption("--videomock-verdict-report"),
                            config.getoption("--videomock-binary"))
    config.stash[_session_key] = judged
    config.pluginmanager.register(judged, "videomock-session-verdict")
    config.addinivalue_line(
        "markers",
        "videomock(scenario=None, clock=None, time_scale=None, seed=None, provider=None, args=()): "
        "give this test a server of its own, started with these options")


def _start(config: pytest.Config, **options: Any) -> Server:
    binary = config.getoption("--videomock-binary")
    return Server(binary=binary, **options).start()


@pytest.fixture(scope="session")
def videomock_server(pytestconfig: pytest.Config) -> Iterator[Server]:
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

    def __init__(self, server: Server, api_key: str) -> None:
        self.server = server
        self.api_key = api_key
        self.admin = server.admin(api_key=api_key)

    @property
    def url(self) -> Optional[str]:
        return self.server.url

    def base_url(self, provider: str = "aihubmix") -> str:
        return self.server.base_url(provider)

    @property
    def headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def verdict(self) -> Verdict:
        return self.admin.verdict()

    def assert_client_behaved(self, fail_on: str = "warning") -> Verdict:
        return assert_client_behaved(self.admin, fail_on)


@pytest.fixture
def videomock(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Iterator["VideoMockForTest"]:
    """A fresh API key for this test on the session's server (or, with @pytest.mark.videomock, on
    a server of its own); everything of that key is reset after the test."""
    marker = request.node.get_closest_marker("videomock")
    own = _start(pytestconfig, **marker.kwargs) if marker else None
    server = own or request.getfixturevalue("videomock_server")
    mock = VideoMockForTest(server, f"sk-test-{uuid.uuid4().hex[:16]}")
    try:
        yield mock
        judged = pytestconfig.stash[_session_key]
        if judged.threshold or judged.report_path:
            verdict = mock.verdict()
            request.node.user_properties.append((_PROPERTY, {
                name: verdict[name] for name in ("verdict", "findings", "counts", "tasks", "requests", "judged")}))
    finally:
        if own:
            own.stop()
        else:
            mock.admin.reset()
