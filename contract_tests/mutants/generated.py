"""Mutants generated from the response schemas: every required field a client reads, dropped or retyped.

Hand-written mutants break facts; these make sure no field of a documented answer can go missing or
change type without the kit noticing. Each answer's fields come from its schema's `required` lists
(through `$ref`s, objects and arrays), and each mutant names the check that reads that answer.
"""

from __future__ import annotations

from typing import Any, Iterator

from multidict import MultiDict

from contract_tests.mutants.base import Mutant
from mockserver.core.validation import SchemaStore
from mockserver.paths import data_dir

Path = tuple[str, ...]  # keys, "*" for every item of a list
MAX_DEPTH = 4
# Fields an answer never has there (a submit answers a queued job: no result, and completed is not
# documented before the end), or that no check can provoke yet (a failed job's error: left for a check
# with an account that fails). Reply entries are read by the replies check, below.
NEVER = {"nyne/submit-response": (("data", "result"), ("data", "completed_on"), ("data", "error"),
                                  ("data", "completed")),
         "nyne/poll-response": (("data", "error"),)}
REPLIES = ("reply_text", "reply_date")
# (path prefix of the requests, response schema, the check that reads that answer)
ANSWERS = [
    ("/api-interactions", "outx/interactions-response", "outx.interactions.schema"),
    ("/linkedin-agent/like-post", "outx/like-post-response", "outx.tasks.like_flow"),
    ("/linkedin-agent/get-task-status", "outx/task-status-response", "outx.tasks.like_flow"),
    ("/stream/0/users/", "appdotnet/interactions-response", "appdotnet.envelope.success"),
    ("/person/interactions", "nyne/submit-response", "nyne.submit.accepted"),
    ("/person/interactions", "nyne/poll-response", "nyne.jobs.completed_payload"),
    ("/v1/engagement/activity", "outfame/activity-response", "outfame.activity.schema"),
    ("/v1/engagement/stats", "outfame/stats-response", "outfame.stats.schema"),
    ("/v1/engagement/pause", "outfame/pause-response", "outfame.control.pause_resume"),
    ("/v1/engagement/resume", "outfame/resume-response", "outfame.control.pause_resume"),
]
# The header every JSON answer is read by, and the ones particular answers carry.
HEADERS = [
    ("/api-interactions", "Content-Type", "text/plain; charset=utf-8", "outx.interactions.schema"),
    ("/stream/0/users/", "Content-Type", "text/html", "appdotnet.envelope.success"),
    ("/stream/0/users/", "X-OAuth-Scopes", None, "appdotnet.auth.scopes_header"),
    ("/person/interactions", "Content-Type", "application/json; charset=iso-8859-1", "nyne.poll.unknown_request"),
    ("/v1/engagement/", "Content-Type", "application/x-json", "outfame.stats.schema"),
]


def _lookup(schemas: SchemaStore, ref: str, base: str) -> tuple[dict[str, Any], str]:
    found = schemas.registry.resolver(base).lookup(ref)
    return found.contents, str(found.resolver._base_uri or base)  # the target's own base, for its $refs


def _merged(schemas: SchemaStore, node: dict[str, Any], base: str, depth: int = 0
            ) -> tuple[list[str], dict[str, tuple[dict[str, Any], str]], tuple[dict[str, Any], str] | None]:
    """(required, properties with their bases, items) of a schema, through $ref (with siblings) and applicators."""
    required = list(node.get("required", []))
    properties = {name: (sub, base) for name, sub in node.get("properties", {}).items()}
    items = (node["items"], base) if isinstance(node.get("items"), dict) else None
    parts = [(_lookup(schemas, node["$ref"], base))] if "$ref" in node and depth < 8 else []
    # allOf parts always apply; of oneOf/anyOf branches, the one an answer matches does (a field missing
    # there leaves the answer matching none, the branches being disjoint by their required fields).
    parts += [(branch, base) for word in ("allOf", "oneOf", "anyOf") for branch in node.get(word, [])]
    for part, part_base in parts:
        more_required, more_properties, more_items = _merged(schemas, part, part_base, depth + 1)
        required += [name for name in more_required if name not in required]
        properties = {**more_properties, **properties}
        items = items or more_items
    return required, properties, items


def required_fields(schemas: SchemaStore, name: str) -> Iterator[Path]:
    """Every required field of the answer, depth first."""
    document = schemas.document(name)

    def walk(node: dict[str, Any], base: str, path: Path) -> Iterator[Path]:
        if len([part for part in path if part != "*"]) >= MAX_DEPTH:
            return
        required, properties, items = _merged(schemas, node, base)
        if items is not None:
            yield from walk(items[0], items[1], path + ("*",))
        for field in required:
            yield path + (field,)
            if field in properties:
                yield from walk(*properties[field], path + (field,))

    yield from walk(document, document["$id"], ())


def _places(body: Any, path: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """(the object holding the field, its key) for every place the path reaches."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for item in body if isinstance(body, list) else []:
            yield from _places(item, rest)
    elif isinstance(body, dict) and head in body:
        if rest:
            yield from _places(body[head], rest)
        else:
            yield body, head


def _wrong_type(value: Any) -> Any:
    return "0" if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _field_edit(prefix: str, path: Path, retype: bool) -> Any:
    def edit(request_path: str, query: MultiDict[str], status: int, body: Any) -> tuple[int, Any]:
        if request_path.startswith(prefix) and status < 300:
            for holder, key in _places(body, path):
                if retype:
                    holder[key] = _wrong_type(holder[key])
                else:
                    del holder[key]
        return status, body
    return edit


def _header_edit(prefix: str, name: str, value: str | None) -> Any:
    def edit(request_path: str, headers: dict[str, str]) -> dict[str, str]:
        if not request_path.startswith(prefix):
            return headers
        edited = {key: kept for key, kept in headers.items() if key.lower() != name.lower()}
        return edited if value is None else {**edited, name: value}
    return edit


def generated_mutants() -> list[Mutant]:
    schemas = SchemaStore(data_dir("schemas"))
    mutants = []
    for prefix, schema, check in ANSWERS:
        for path in required_fields(schemas, schema):
            if any(path[:len(absent)] == absent for absent in NEVER.get(schema, ())):
                continue
            reader = "nyne.jobs.replies" if path[-1] in REPLIES else check
            shown = ".".join(path).replace(".*", "[]")
            for retype in (False, True):
                kind = "retyped" if retype else "missing"
                # Caught by whatever fact the missing or retyped field breaks first: no words are required.
                mutants.append(Mutant(f"{schema}:{shown}:{kind}", f"{schema} carries {shown}", reader, "",
                                      edit_response=_field_edit(prefix, path, retype)))
    for prefix, header, value, check in HEADERS:
        what = "dropped" if value is None else value
        mutants.append(Mutant(f"{prefix}:{header}:{what}", f"{header} as documented", check, "",
                              edit_headers=_header_edit(prefix, header, value)))
    return mutants
