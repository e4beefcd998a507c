"""A client of VideoMock's admin API (`/__admin`), standard library only."""
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional

from .types import Clock, Health, JournalEntry, Scenario, Task, Verdict


class AdminError(Exception):
    """A refusal of the admin API, with its status and message; for a bad scenario, the line and
    column of what is wrong."""

    def __init__(self, status: int, message: str, line: Optional[int] = None, column: Optional[int] = None) -> None:
        super().__init__(f"admin API answered {status}: {message}")
        self.status = status
        self.message = message
        self.line = line
        self.column = column


class Admin:
    """The admin API of the server at `url`. With `api_key`, every call the API scopes (reset,
    clock, scenarios, journal, tasks, verdict) is about that key only."""

    def __init__(self, url: str, api_key: Optional[str] = None, token: Optional[str] = None, timeout: float = 30) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.token = token
        self.timeout = timeout

    def scoped(self, api_key: str) -> "Admin":
        """The same admin API, scoped to `api_key`."""
        return Admin(self.url, api_key=api_key, token=self.token, timeout=self.timeout)

    # Health, reset, clock

    def health(self) -> Health:
        return self._call("GET", "health", scoped=False)

    def reset(self) -> None:
        """Tasks, journal, observations and scenarios loaded over the API go; the clock returns
        to the server's (scoped: only this key's)."""
        self._call("POST", "reset")

    def clock(self) -> Clock:
        return self._call("GET", "clock")

    def now(self) -> float:
        """The clock's time, in seconds since the epoch."""
        return self.clock()["now"]

    def advance(self, seconds: float) -> Clock:
        """Moves the clock forward (scoped: only this key's clock)."""
        return self._call("POST", "clock/advance", body={"seconds": seconds})

    def set_time(self, epoch: float) -> Clock:
        """Sets the clock (scoped: only this key's clock) to `epoch` seconds."""
        return self._call("POST", "clock/set", body={"now": epoch})

    # Scenarios

    def load_scenario(self, yaml_text_or_path: str) -> int:
        """Loads a scenario given as YAML (or JSON) text or as a file path; returns how many rules
        it has. A bad one raises AdminError with its line and column."""
        text = yaml_text_or_path
        if "\n" not in text and os.path.isfile(text):
            with open(text, encoding="utf-8") as file:
                text = file.read()
        return self._call("POST", "scenarios", raw=text.encode("utf-8"))["rules"]

    def clear_scenarios(self) -> None:
        self._call("DELETE", "scenarios")

    def scenarios(self) -> List[Scenario]:
        return self._call("GET", "scenarios")["scenarios"]

    # Journal

    def requests(self, **filters: Any) -> List[JournalEntry]:
        """The requests received, oldest first. Filters: method, path (a glob), provider,
        endpoint, since."""
        return self._call("GET", "requests", query=filters)["requests"]

    def count(self, **filters: Any) -> int:
        return self._call("GET", "requests/count", query=filters)["count"]

    def clear_requests(self) -> None:
        self._call("DELETE", "requests")

    # Tasks

    def tasks(self) -> List[Task]:
        return self._call("GET", "tasks")["tasks"]

    def task(self, task_id: str) -> Task:
        return self._call("GET", f"tasks/{urllib.parse.quote(task_id, safe='')}", scoped=False)

    def complete(self, task_id: str) -> Task:
        return self._call("POST", f"tasks/{urllib.parse.quote(task_id, safe='')}/complete", scoped=False)

    def fail(self, task_id: str, code: str = "generation_failed", message: str = "Video generation failed") -> Task:
        path = f"tasks/{urllib.parse.quote(task_id, safe='')}/fail"
        return self._call("POST", path, body={"code": code, "message": message}, scoped=False)

    # Verdict

    def verdict(self) -> Verdict:
        """How the client (of this key, when scoped) polled, retried and downloaded."""
        return self._call("GET", "verdict")

    # Record and replay

    def recording(self) -> Dict[str, Any]:
        """What `serve --record` has written so far: file, exchanges, bytes, by_provider, tasks
        (`{"active": false}` when the server does not record)."""
        return self._call("GET", "recording", scoped=False)

    def replay(self) -> Dict[str, Any]:
        """How `serve --replay` has matched: lifecycles, matched, missed, refused_as_recorded, and
        each replayed task with its notes (`{"active": false}` when the server does not replay)."""
        return self._call("GET", "replay", scoped=False)

    # Transport

    def _call(self, method: str, path: str, query: Optional[Dict[str, Any]] = None, body: Any = None,
              raw: Optional[bytes] = None, scoped: bool = True) -> Any:
        parameters = {name: value for name, value in (query or {}).items() if value is not None}
        if scoped and self.api_key is not None:
            parameters["api_key"] = self.api_key
        address = f"{self.url}/__admin/{path}"
        if parameters:
            address += "?" + urllib.parse.urlencode(parameters)
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(address, data=data, method=method)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                detail = json.loads(payload)["error"]
            except (ValueError, KeyError, TypeError):
                detail = {"message": payload.decode("utf-8", "replace")}
            raise AdminError(error.code, detail.get("message", ""), detail.get("line"), detail.get("column")) from None
