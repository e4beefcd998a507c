"""Judging the client under test from VideoMock's verdict."""
from typing import Any, List, Mapping, Optional

from .types import Finding, Verdict

SEVERITIES = ["info", "warning", "error"]


class ClientMisbehaved(AssertionError):
    """The client under test did something a well-behaved client does not."""


def describe(verdict: Mapping[str, Any], findings: Optional[List[Finding]] = None) -> str:
    """The verdict for a person: a summary line, then each finding with its evidence."""
    findings = verdict["findings"] if findings is None else findings
    lines = [f"verdict: {verdict['verdict']} ({verdict['requests']} requests, {verdict['tasks']} tasks)"]
    for finding in findings:
        subject = " ".join(part for part in (finding.get("provider"), finding.get("task")) if part)
        lines.append(f"{finding['severity'].upper()} {finding['code']} [{subject}]: {finding['message']}")
        shown, total = len(finding.get("evidence", [])), finding.get("evidence_total", 0)
        if total > shown:
            lines.append(f"    ({shown} of {total} requests shown: the first and the latest)")
        for evidence in finding.get("evidence", []):
            lines.append(f"    {evidence['method']} {evidence['path']} -> {evidence['status']}")
    return "\n".join(lines)


def failing(verdict: Mapping[str, Any], fail_on: str) -> List[Finding]:
    """The findings at or above `fail_on` ('error', 'warning' or 'info')."""
    if fail_on not in SEVERITIES:
        raise ValueError(f"fail_on must be one of {', '.join(SEVERITIES)}, got {fail_on!r}")
    threshold = SEVERITIES.index(fail_on)
    return [finding for finding in verdict["findings"] if SEVERITIES.index(finding["severity"]) >= threshold]


def assert_client_behaved(admin: Any, fail_on: str = "warning") -> Verdict:
    """Raises ClientMisbehaved, listing the findings, when the verdict (of `admin`'s key, when it
    is scoped) has a finding at or above `fail_on`. Returns the verdict otherwise."""
    verdict = admin.verdict()
    bad = failing(verdict, fail_on)
    if bad:
        raise ClientMisbehaved("the client under test misbehaved:\n" + describe(verdict, bad))
    return verdict
