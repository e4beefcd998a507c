"""The OpenAPI document the server serves: valid OpenAPI 3.1 by a real validator, and every admin
answer, taken from a server in a busy state, matches the schema the document gives for it."""
import json
import urllib.parse
import urllib.request

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from videomock import Server, types

BASE = "urn:videomock:openapi"

SCENARIO = """
version: 1
seed: 7
rules:
  - name: creates are rate limited
    when: { endpoint: create }
    quota: { requests: 2, per: 60s }
  - name: polls flake
    when: { endpoint: retrieve, chance: 0.5 }
    respond: { status: 503 }
"""


def fetch(method, url, body=None, headers=None):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def busy():
    """A server with tasks in every state, a scenario with a quota and a draw, journal entries
    and verdict findings, under two keys (one of them reset, so the session total has it)."""
    with Server(clock="manual") as server:
        for key in ("sk-openapi-gone", "sk-openapi"):
            admin = server.admin(api_key=key)
            admin.load_scenario(SCENARIO)
            auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            ids = []
            for prompt in ("a lake", "a forest", "a desert"):
                status, video = fetch("POST", server.base_url() + "/videos", {"model": "sora-2", "prompt": prompt}, auth)
                if status == 200:
                    ids.append(video["id"])
            for _ in range(6):
                fetch("GET", server.base_url() + f"/videos/{ids[0]}", headers=auth)
            admin.fail(ids[1], code="content_policy_violation", message="blocked")
            admin.advance(30)
            if key == "sk-openapi-gone":
                admin.reset()
        yield server


@pytest.fixture(scope="module")
def document(busy):
    with urllib.request.urlopen(busy.url + "/__admin/openapi.json", timeout=10) as response:
        return json.loads(response.read())


def answer_schema(document, path, method, status="200"):
    """A validator for the JSON answer the document gives for `method path` with `status`."""
    operation = document["paths"][path][method]
    response = operation["responses"][status]
    pointer = f"#/paths/{path.replace('~', '~0').replace('/', '~1')}/{method}/responses/{status}"
    if "$ref" in response:
        pointer = response["$ref"]
        response = document
        for part in pointer[2:].split("/"):
            response = response[part.replace("~1", "/").replace("~0", "~")]
    assert "application/json" in response["content"], f"{method} {path} {status} has no JSON answer"
    registry = Registry().with_resource(BASE, Resource.from_contents(document, default_specification=DRAFT202012))
    schema = {"$ref": f"{BASE}{pointer}/content/application~1json/schema"}
    return Draft202012Validator(schema, registry=registry)


def test_the_served_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


@pytest.mark.parametrize("path, method, query, body", [
    ("/__admin/health", "get", {}, None),
    ("/__admin/clock", "get", {}, None),
    ("/__admin/clock", "get", {"api_key": "sk-openapi"}, None),
    ("/__admin/clock/advance", "post", {"api_key": "sk-openapi"}, {"seconds": 1}),
    ("/__admin/clock/set", "post", {"api_key": "sk-elsewhere"}, {"now": 1767225600}),
    ("/__admin/scenarios", "get", {}, None),
    ("/__admin/scenarios", "get", {"api_key": "sk-openapi"}, None),
    ("/__admin/requests", "get", {}, None),
    ("/__admin/requests", "get", {"api_key": "sk-openapi", "endpoint": "retrieve"}, None),
    ("/__admin/requests/count", "get", {"provider": "aihubmix"}, None),
    ("/__admin/tasks", "get", {}, None),
    ("/__admin/tasks/count", "get", {}, None),
    ("/__admin/verdict", "get", {}, None),
    ("/__admin/verdict", "get", {"api_key": "sk-openapi"}, None),
])
def test_admin_answers_match_their_schemas(busy, document, path, method, query, body):
    url = busy.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    status, answer = fetch(method.upper(), url, body, {"Content-Type": "application/json"} if body else None)
    assert status == 200, answer
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in answer_schema(document, path, method).iter_errors(answer)]
    assert errors == []


def test_the_busy_state_is_what_the_schemas_were_checked_against(busy):
    """The answers above are not empty ones: a task of each kind, rules with counters and
    findings in the session total are there to be checked."""
    admin = busy.admin(api_key="sk-openapi")
    tasks = admin.tasks()
    assert sorted(task["status"] for task in tasks) == ["completed", "failed"]
    assert any(task["error"] == {"code": "content_policy_violation", "message": "blocked"} for task in tasks)
    rules = admin.scenarios()[0]["rules"]
    assert rules[0]["quota"]["refused"] == 1 and rules[1]["draws"] > 0
    session = busy.admin().verdict()
    assert {finding["api_key"] for finding in session["findings"]} == {"sk-openapi", "sk-openapi-gone"}
    assert "poll_too_fast" not in session["counts"] or session["counts"]["poll_too_fast"] >= 1


@pytest.mark.parametrize("path, method", [
    ("/__admin/tasks/{id}", "get"), ("/__admin/tasks/{id}/complete", "post"), ("/__admin/tasks/{id}/fail", "post"),
])
def test_task_answers_match_their_schemas(busy, document, path, method):
    task = busy.admin(api_key="sk-openapi").tasks()[0]
    url = busy.url + path.replace("{id}", urllib.parse.quote(task["id"], safe=""))
    status, answer = fetch(method.upper(), url)
    assert status == 200, answer
    assert list(answer_schema(document, path, method).iter_errors(answer)) == []


def test_scenario_load_and_admin_errors_match_their_schemas(busy, document):
    status, answer = fetch("POST", busy.url + "/__admin/scenarios?api_key=sk-other", SCENARIO.encode())
    assert status == 200 and answer == {"status": "ok", "rules": 2, "scope": "sk-other"}
    assert list(answer_schema(document, "/__admin/scenarios", "post").iter_errors(answer)) == []
    status, answer = fetch("POST", busy.url + "/__admin/scenarios", b"version: 1\nrules: [ { when: { bogus: 1 } } ]\n")
    assert status == 400 and answer["error"]["type"] == "invalid_scenario" and answer["error"]["line"] == 2
    assert list(answer_schema(document, "/__admin/scenarios", "post", "default").iter_errors(answer)) == []


@pytest.mark.parametrize("typed, schema", [
    (types.Health, "Health"), (types.Clock, "Clock"), (types.Task, "AdminTask"), (types.JournalEntry, "JournalEntry"),
    (types.Scenario, "Scenario"), (types.ScenarioRule, "ScenarioRule"), (types.Finding, "Finding"), (types.Verdict, "Verdict"),
])
def test_the_python_types_follow_the_document(document, typed, schema):
    """videomock.types is the document in Python: the same fields, the same ones required."""
    described = document["components"]["schemas"][schema]
    assert set(typed.__annotations__) == set(described["properties"])
    assert set(typed.__required_keys__) == set(described["required"])
