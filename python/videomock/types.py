"""The admin API's answers, as the OpenAPI document (`/__admin/openapi.json`) describes them;
the package's tests check each against that document."""
import sys
from typing import Dict, List, Optional

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:  # pragma: no cover
    from typing_extensions import NotRequired, TypedDict  # type: ignore[assignment]


class Health(TypedDict):
    status: str
    version: str


class Clock(TypedDict):
    mode: str
    now: float
    time_scale: float
    api_key: NotRequired[str]
    offset: NotRequired[float]


class TaskFailure(TypedDict):
    code: str
    message: str


TaskState = TypedDict("TaskState", {"status": str, "from": float, "to": Optional[float]})


class Task(TypedDict):
    """A task, provider-neutral."""
    id: str
    provider: str
    api_key: str
    model: str
    prompt: str
    status: str
    progress: int
    created_at: float
    completed_at: Optional[float]
    expires_at: Optional[float]
    expired: bool
    error: Optional[TaskFailure]
    duration: int
    width: int
    height: int
    has_audio: bool
    parameters: Dict[str, object]
    remixed_from: Optional[str]
    states: List[TaskState]


class JournalEntry(TypedDict):
    """One request the server received, and what it answered."""
    id: int
    time: float
    method: str
    path: str
    query: Optional[str]
    provider: Optional[str]
    endpoint: Optional[str]
    api_key: Optional[str]
    headers: Dict[str, str]
    body: str
    body_encoding: str
    body_size: int
    status: int
    rule: Optional[str]
    findings: List[str]
    task: Optional[str]
    poll_after_ms: Optional[int]


class Quota(TypedDict):
    requests: int
    per: float
    window: str
    refused: int
    refused_by_key: Dict[str, int]


class ScenarioRule(TypedDict):
    name: str
    matched: int
    applied: int
    draws: NotRequired[int]
    hits: NotRequired[int]
    quota: NotRequired[Quota]


class Scenario(TypedDict):
    source: str
    scope: Optional[str]
    from_command_line: bool
    rules: List[ScenarioRule]


class Evidence(TypedDict):
    time: float
    method: str
    path: str
    status: int
    journal_id: Optional[int]


class Finding(TypedDict):
    code: str
    severity: str
    api_key: str
    provider: str
    task: Optional[str]
    message: str
    evidence: List[Evidence]
    evidence_total: int


class Verdict(TypedDict):
    verdict: str
    findings: List[Finding]
    counts: Dict[str, int]
    tasks: int
    requests: int
    judged: List[str]
