"""The fidelity pages against the served mock: every table row that names a status or a body is replayed.

A row names a status when its behaviour or mock column says `400`, `401 Missing
API Key`, 404 `request_not_found`, ... (and the docs column too, when the mock
column says "Same" or "As documented"). Each such row has requests below that
exercise it; the mock's answers must produce every status (with its message,
code or body shape) the row names, and no status it does not name. A new row
that names a status without a case here fails the test, as does a row whose
text no longer matches what the mock answers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

from aiohttp.test_utils import TestClient

from mockserver.providers import available_providers
from tests.conftest import ClientFactory, DOCS_WATCHLIST, FAILING_WATCHLIST, OTHER_TEAM_WATCHLIST

DOCS = Path(__file__).resolve().parents[1] / "docs"
STATUSES = {200, 202, 400, 401, 403, 404, 405, 413, 429, 500}
_UNITS = (r"(?:s|ms|min|minutes|seconds|characters|digits|bytes|requests|levels|KiB|MiB|days|hours|a |an |per "
          r"|people|items|interactions|%)")
_BACKTICKED = re.compile(r"`([1-5]\d\d)(?: ([^`]+))?`")
_CODE_AFTER = re.compile(r"(?<![\w.,`])([1-5]\d\d) `([a-z_]+)`")
_BARE = re.compile(r"(?<![\w.,`/+±-])(?<!to )([245]\d\d)(?![\w,`%-])(?!\.\d)(?! ?" + _UNITS + ")")
_AS_DOCUMENTED = re.compile(r"(Same|As documented|As in|Also)\b")

OUTX = {"x-api-key": "YOUR_API_KEY"}
ADN = {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}
ADN_PATH = "/stream/0/users/me/interactions"
NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
NYNE_PATH = "/person/interactions"
OUTFAME = {"Authorization": "Bearer sk_live_your_api_key"}
ACCOUNT = "acc_7Gx2kLm9Qr"
LIKE = "/linkedin-agent/like-post"
TASK = "/linkedin-agent/get-task-status"


def named(text: str) -> set[tuple[int, str | None]]:
    """The (status, detail) pairs a table cell names."""
    found: set[tuple[int, str | None]] = set()
    for match in _BACKTICKED.finditer(text):
        found.add((int(match[1]), match[2]))
    for match in _CODE_AFTER.finditer(text):
        found.add((int(match[1]), match[2]))
    rest = re.sub(r"`[^`]*`", " ", text)
    found |= {(int(match[1]), None) for match in _BARE.finditer(rest)}
    return {(status, detail) for status, detail in found if status in STATUSES}


@dataclass(frozen=True)
class Row:
    page: str
    section: str
    behaviour: str
    statuses: frozenset[tuple[int, str | None]]
    bodies: tuple[Any, ...]  # shapes of the bodies it shows (see `shape`)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.page, self.section, self.behaviour


def rows() -> list[Row]:
    found = []
    for page in sorted(DOCS.glob("fidelity*.md")):
        section = ""
        for line in page.read_text("utf-8").splitlines():
            if line.startswith("#"):
                section = line.lstrip("#").strip()
            if not line.startswith("| ") or line.startswith("|---"):
                continue
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if len(cells) != 3 or cells[0] == "Behaviour":
                continue
            statuses = named(cells[0]) | named(cells[2])
            if _AS_DOCUMENTED.match(cells[2]):
                statuses |= named(cells[1])
            # A body shown next to a status is the body of that answer; an "Error body" row's is every error's.
            bodies = tuple(body for snippet in re.findall(r'`(\{"[^`]*\})`', cells[2])
                           if (body := shape(snippet)) is not None) if statuses or cells[0] == "Error body" else ()
            if statuses or bodies:
                found.append(Row(page.name, section, cells[0], frozenset(statuses), bodies))
    return found


ANY = object()  # a documented value that stands for anything ("...", "<id>", a field name alone)


def shape(snippet: str) -> Any:
    """The shape of a body as the pages write it: JSON, or JSON-like with bare field names and `...`.

    `{"error": {"code", "message"}, "timestamp"}` is an object with exactly those members; numbers,
    `true`, `false` and `null` must be served as written; strings stand for any string. None when the
    snippet is not a single object (alternatives with `|`, prose).
    """
    if "|" in snippet:
        return None
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|\.\.\.|[^\s{}\[\],:"]+', snippet)
    position = 0

    def value() -> Any:
        nonlocal position
        token = tokens[position]
        position += 1
        if token == "{":
            members: dict[str, Any] = {}
            while tokens[position] != "}":
                name = tokens[position].strip('"')
                position += 1
                members[name] = ANY
                if tokens[position] == ":":
                    position += 1
                    members[name] = value()
                if tokens[position] == ",":
                    position += 1
            position += 1
            return members
        if token.startswith('"'):
            return str
        if token in ("true", "false", "null") or re.fullmatch(r"-?\d+", token):
            return json.loads(token)
        return ANY

    try:
        found = value()
        return found if position == len(tokens) and isinstance(found, dict) else None
    except (IndexError, ValueError):
        return None


# -- the requests that exercise each row ----------------------------------------------

@dataclass(frozen=True)
class Req:
    method: str
    path: str
    params: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    data: bytes | None = None
    judged: bool = True  # False: a setup step whose answer the row says nothing about


def get(path: str, headers: dict[str, str], **params: Any) -> Req:
    return Req("GET", path, params or None, headers)


def outx(**params: Any) -> Req:
    return get("/api-interactions", OUTX, watchlist_id=DOCS_WATCHLIST, **params)


def adn(headers: dict[str, str] | None = None, path: str = ADN_PATH, **params: Any) -> Req:
    return get(path, ADN if headers is None else headers, **params)


def nyne(body: Any) -> Req:
    return Req("POST", NYNE_PATH, headers=NYNE, json=body)


def outfame(path: str, headers: dict[str, str] | None = None, **params: Any) -> Req:
    return get(f"/v1/engagement/{path}", OUTFAME if headers is None else headers, **params)


def outfame_post(path: str, body: Any = None, data: bytes | None = None) -> Req:
    return Req("POST", f"/v1/engagement/{path}", headers=OUTFAME, json=body, data=data)


Steps = list[Req] | Callable[[TestClient], Awaitable[list[Req]]]


async def _outfame_cursor_elsewhere(client: TestClient) -> list[Req]:
    page = await (await client.get("/v1/engagement/activity", params={"account_id": ACCOUNT, "limit": "1"},
                                   headers=OUTFAME)).json()
    cursor = page["next_cursor"]
    return [outfame("activity", account_id=ACCOUNT, cursor=cursor + "x"),
            outfame("activity", account_id=ACCOUNT, type="like", cursor=cursor)]


async def _pending_task(client: TestClient) -> list[Req]:
    created = await (await client.post(LIKE, json={"social_urn": "urn:li:activity:7123456789012345678"},
                                       headers=OUTX)).json()
    await client.post("/__admin/clock/advance", json={"by": "1m"})
    return [Req("POST", "/__admin/providers/outx/force-task",
                json={"task_id": created["api_agent_task_id"], "status": "failed"}),
            Req("POST", "/__admin/providers/outx/force-task", json={"status": "failed"})]


NYNE_FOLLOWERS = {"social_media_url": "https://x.com/janedoe", "type": "followers"}
OUTX_SECTION = "OutX — `GET /api-interactions`"
TASKS_SECTION = "OutX — LinkedIn agent tasks (`POST /linkedin-agent/like-post`, `GET /linkedin-agent/get-task-status`)"
ADN_SECTION = "`GET /stream/0/users/me/interactions`"

CASES: dict[tuple[str, str, str], Steps] = {
    # -- general ---------------------------------------------------------------------
    ("fidelity.md", "General", "Unknown paths"): [get("/nothing/here", {})],
    ("fidelity.md", "General", "CORS (browser apps)"): [  # off by default: a preflight is an unserved method
        Req("OPTIONS", "/api-interactions", headers={"Origin": "http://localhost:3000",
                                                     "Access-Control-Request-Method": "GET"})],
    ("fidelity.md", "General", "The clock's range"): [
        Req("POST", "/__admin/clock/advance", json={"by": 10**18}),
        Req("POST", "/__admin/clock/freeze", json={"at": "1969-12-31T23:59:59Z"})],
    ("fidelity.md", "General", "Wrong method on a known path"): [
        Req("DELETE", "/api-interactions"), Req("PUT", ADN_PATH), Req("DELETE", NYNE_PATH),
        Req("GET", "/v1/engagement/pause")],
    ("fidelity.md", "General", "Requests aiohttp itself refuses"): [
        get("/api-interactions", {"x-api-key": "k" * 9000})],
    ("fidelity.md", "General", "Request bodies"): [
        Req("POST", LIKE, headers={**OUTX, "Content-Type": "application/json"}, data=b"[" * 10_000),
        Req("POST", "/v1/engagement/pause", headers=OUTFAME, data=b'{"reason": "' + b"x" * 70_000 + b'"}')],
    # -- OutX interactions -------------------------------------------------------------
    ("fidelity.md", OUTX_SECTION, "Error body"): [outx(page="0"), get("/api-interactions", {})],
    ("fidelity.md", OUTX_SECTION, "`x-api-key` empty or only spaces"): [
        get("/api-interactions", {"x-api-key": "  "}, watchlist_id=DOCS_WATCHLIST),
        get("/api-interactions", {"x-api-key": "your_api_key"}, watchlist_id=DOCS_WATCHLIST)],
    ("fidelity.md", OUTX_SECTION, "`watchlist_id` given twice"): [
        get("/api-interactions", OUTX, watchlist_id=[DOCS_WATCHLIST, DOCS_WATCHLIST]),
        get("/api-interactions", OUTX, watchlist_id=" ")],
    ("fidelity.md", OUTX_SECTION, "`watchlist_id` that does not exist"): [
        get("/api-interactions", OUTX, watchlist_id="not-a-uuid")],
    ("fidelity.md", OUTX_SECTION, "`403` message"): [get("/api-interactions", OUTX, watchlist_id=OTHER_TEAM_WATCHLIST)],
    ("fidelity.md", OUTX_SECTION, "Simulated `500 Failed to fetch interactions`"): [
        get("/api-interactions", OUTX, watchlist_id=FAILING_WATCHLIST)],
    ("fidelity.md", OUTX_SECTION, "`interaction_type` not `like`/`comment` (case-sensitive), empty, or given twice"): [
        outx(interaction_type="Like"), outx(interaction_type=""), outx(interaction_type=["like", "like"])],
    ("fidelity.md", OUTX_SECTION, "`page` / `page_size` not a plain positive integer (`0`, `-1`, `1.5`, `2.0`, "
                                  "`ten`, empty)"): [outx(page="0"), outx(page="1.5"), outx(page_size="ten")],
    ("fidelity.md", OUTX_SECTION, "`page_size` over 100"): [outx(page_size="101")],
    ("fidelity.md", OUTX_SECTION, "`page` or `page_size` given twice"): [outx(page=["1", "2"])],
    ("fidelity.md", OUTX_SECTION, "A page past the end"): [outx(page="100000")],
    # -- OutX agent tasks -----------------------------------------------------------------
    ("fidelity.md", TASKS_SECTION, "Error body"): [get(TASK, OUTX, api_agent_task_id="nope"),
                                                   Req("POST", LIKE, headers=OUTX, json={})],
    ("fidelity.md", TASKS_SECTION, "Order of checks (like-post)"): [
        Req("POST", LIKE, headers={"x-api-key": "OTHER_TEAM_API_KEY"}, json={"social_urn": "urn:li:activity:1"}),
        Req("POST", LIKE, headers={"x-api-key": "NO_ADMIN_TEAM_API_KEY"}, json={"social_urn": "urn:li:activity:1"})],
    ("fidelity.md", TASKS_SECTION, "`Content-Type` other than `application/json`"): [
        Req("POST", LIKE, headers={**OUTX, "Content-Type": "text/plain"}, data=b'{"social_urn": "urn:li:activity:1"}')],
    ("fidelity.md", TASKS_SECTION, "Malformed JSON (or not UTF-8, nested deeper than the parser's stack such as "
                                   "10,000 brackets, or an integer over 4,300 digits)"): [
        Req("POST", LIKE, headers={**OUTX, "Content-Type": "application/json"}, data=b'{"social_urn": '),
        Req("POST", LIKE, headers={**OUTX, "Content-Type": "application/json"}, data=b"\xff\xfe")],
    ("fidelity.md", TASKS_SECTION, "Body over 1 MiB"): [
        Req("POST", LIKE, headers={**OUTX, "Content-Type": "application/json"}, data=b" " * (1024 * 1024 + 1))],
    ("fidelity.md", TASKS_SECTION, "`social_urn` that is not `urn:li:activity:<1-25 digits>`"): [
        Req("POST", LIKE, headers=OUTX, json={"social_urn": "urn:li:share:1"}), Req("POST", LIKE, headers=OUTX, json=[])],
    ("fidelity.md", TASKS_SECTION, "`403` message"): [
        Req("POST", LIKE, headers={"x-api-key": "OTHER_TEAM_API_KEY"}, json={"social_urn": "urn:li:activity:1"})],
    ("fidelity.md", TASKS_SECTION, "Who has an extension"): [
        Req("POST", LIKE, headers={"x-api-key": "OTHER_TEAM_API_KEY"}, json={"social_urn": "urn:li:activity:1"})],
    ("fidelity.md", TASKS_SECTION, "Forcing an outcome"): _pending_task,
    ("fidelity.md", TASKS_SECTION, "Task id given twice, empty or blank"): [
        get(TASK, OUTX, api_agent_task_id=["a", "b"]), get(TASK, OUTX, api_agent_task_id=" ")],
    # -- App.net -----------------------------------------------------------------------------
    ("fidelity-appdotnet.md", ADN_SECTION, "No token"): [adn({})],
    ("fidelity-appdotnet.md", ADN_SECTION, "Unknown token, a non-Bearer `Authorization` (e.g. `Basic`), `Bearer` with "
                                           "nothing after it"): [
        adn({"Authorization": "Bearer nope"}), adn({"Authorization": "Basic dXNlcg=="}), adn({"Authorization": "Bearer"})],
    ("fidelity-appdotnet.md", ADN_SECTION, "Revoked / expired token"): [
        adn({"Authorization": "Bearer REVOKED_ACCESS_TOKEN"}), adn({"Authorization": "Bearer EXPIRED_ACCESS_TOKEN"})],
    ("fidelity-appdotnet.md", ADN_SECTION, "App token"): [adn({"Authorization": "Bearer YOUR_APP_TOKEN"})],
    ("fidelity-appdotnet.md", ADN_SECTION, "`users/<other>/interactions`"): [
        adn(path="/stream/0/users/2/interactions")],
    ("fidelity-appdotnet.md", ADN_SECTION, "A user segment that is empty, spans a `/`, or holds `{` or `}` (even "
                                           "percent-encoded as `%7B`, `%7D`)"): [
        adn(path="/stream/0/users//interactions"), adn(path="/stream/0/users/a/b/interactions"),
        adn(path="/stream/0/users/%7Bx%7D/interactions"), adn(path="/stream/0/users/a%2Fb/interactions"),
        adn(path="/stream/0/users/%ED%A0%80/interactions")],
    ("fidelity-appdotnet.md", ADN_SECTION, "Unknown paths under `/stream/0` (`/stream/0/posts/stream/global`, "
                                           "`/stream/0/users/me`, ...)"): [
        adn(path="/stream/0/posts/stream/global"), adn({}, path="/stream/0/users/me")],
    ("fidelity-appdotnet.md", ADN_SECTION, "Order of checks"): [
        adn({"Authorization": "Bearer YOUR_APP_TOKEN"}, path="/stream/0/users/2/interactions", count="0")],
    ("fidelity-appdotnet.md", ADN_SECTION, "Other methods (POST, ...)"): [Req("POST", ADN_PATH, headers=ADN)],
    ("fidelity-appdotnet.md", "Rate limits", "What counts as authorized"): [
        adn({"Authorization": "Bearer YOUR_APP_TOKEN"})],
    ("fidelity-appdotnet.md", "Rate limits", "Headers"): [Req("POST", ADN_PATH, headers=ADN)],
    ("fidelity-appdotnet.md", "Rate limits", "Over the limit"): [adn({}) for _ in range(51)],
    ("fidelity-appdotnet.md", "Interactions and their objects", "Flag values"): [adn(include_html="yes")],
    ("fidelity-appdotnet.md", "Pagination and filter", "`count`"): [adn(count="0"), adn(count="1.5")],
    ("fidelity-appdotnet.md", "Pagination and filter", "`before_id`, `since_id`"): [
        adn(before_id="-1"), adn(since_id="last_read")],
    ("fidelity-appdotnet.md", "Pagination and filter", "A parameter given twice"): [adn(count=["5", "5"])],
    ("fidelity-appdotnet.md", "Pagination and filter", "`interaction_actions`"): [adn(interaction_actions="mention")],
    ("fidelity-appdotnet.md", "Wire format", "JSONP"): [adn(callback="cb")],
    ("fidelity-appdotnet.md", "Wire format", "Callback names"): [adn(callback="alert(1)")],
    # -- Nyne ---------------------------------------------------------------------------------
    ("fidelity-nyne.md", "Behaviour", "Error body"): [nyne({"type": "followers"}), get(NYNE_PATH, NYNE, request_id="x")],
    ("fidelity-nyne.md", "Behaviour", "Missing or wrong credentials"): [
        Req("POST", NYNE_PATH, json=NYNE_FOLLOWERS),
        Req("POST", NYNE_PATH, headers={**NYNE, "X-API-Secret": "wrong"}, json=NYNE_FOLLOWERS)],
    ("fidelity-nyne.md", "Behaviour", "Request body"): [
        Req("POST", NYNE_PATH, headers=NYNE, data=b"[]"),
        Req("POST", NYNE_PATH, headers=NYNE, data=b"{" + b" " * (1024 * 1024 + 1) + b"}")],
    ("fidelity-nyne.md", "Behaviour", "`social_media_url` / `twitter_url`"): [
        nyne({**NYNE_FOLLOWERS, "twitter_url": "https://x.com/someone_else"})],
    ("fidelity-nyne.md", "Behaviour", "Recognised URLs"): [nyne({**NYNE_FOLLOWERS, "social_media_url": "https://x.com/home"})],
    ("fidelity-nyne.md", "Behaviour", "`type` / `interaction_type`"): [nyne({**NYNE_FOLLOWERS, "type": "likes"})],
    ("fidelity-nyne.md", "Behaviour", "`username`"): [nyne({**NYNE_FOLLOWERS, "username": "someone_else"})],
    ("fidelity-nyne.md", "Behaviour", "Platform without a URL"): [nyne({**NYNE_FOLLOWERS, "platform": "instagram"})],
    ("fidelity-nyne.md", "Behaviour", "`tweet_id`"): [
        nyne({"social_media_url": "https://x.com/janedoe/status/1234567890123456789", "type": "replies",
              "tweet_id": "1234567890123456780"})],
    ("fidelity-nyne.md", "Behaviour", "`max_results`"): [nyne({**NYNE_FOLLOWERS, "max_results": "ten"})],
    ("fidelity-nyne.md", "Callback targets and SSRF", "When the allow-list is checked"): [
        nyne({**NYNE_FOLLOWERS, "callback_url": "http://127.0.0.1:9/" + "x" * 8200})],
    ("fidelity-nyne.md", "Behaviour", "`callback_url`"): [
        nyne({**NYNE_FOLLOWERS, "callback_url": "https://hooks.example.org/x"})],
    ("fidelity-nyne.md", "Behaviour", "Unknown or expired `request_id`"): [
        get(NYNE_PATH, NYNE, request_id="interaction_0000000000000000_1705401600_1000"), get(NYNE_PATH, NYNE)],
    ("fidelity-nyne.md", "Behaviour", "Rate limits"): [
        *[Req("GET", NYNE_PATH, {"request_id": "x"}, NYNE, judged=False) for _ in range(60)],
        get(NYNE_PATH, NYNE, request_id="x"), get(NYNE_PATH, {**NYNE, "X-API-Secret": "wrong"}, request_id="x")],
    ("fidelity-nyne.md", "Behaviour", "Do polls count against the rate limit?"): [
        get(NYNE_PATH, NYNE, request_id="interaction_0000000000000000_1705401600_1000")],
    # -- Outfame --------------------------------------------------------------------------------
    ("fidelity-outfame.md", "Authentication and errors", "Error body"): [
        outfame("stats"), outfame("stats", account_id="acc_nope"),
        outfame("stats", {"Authorization": "Bearer sk_live_nope"}, account_id=ACCOUNT)],
    ("fidelity-outfame.md", "Authentication and errors", "No `Authorization` header, an empty one, no `Bearer` scheme, "
                                                         "or `Bearer` with nothing after it"): [
        outfame("stats", {}, account_id=ACCOUNT), outfame("stats", {"Authorization": "Bearer "}, account_id=ACCOUNT)],
    ("fidelity-outfame.md", "Authentication and errors", "Unknown key"): [
        outfame("stats", {"Authorization": "Bearer sk_live_nope"}, account_id=ACCOUNT)],
    ("fidelity-outfame.md", "Authentication and errors", "Key without `engagement:manage`"): [
        outfame("stats", {"Authorization": "Bearer sk_live_analytics_only_key"}, account_id=ACCOUNT)],
    ("fidelity-outfame.md", "Authentication and errors", "Account of another workspace"): [
        outfame("stats", account_id="acc_0th3rW0rk1")],
    ("fidelity-outfame.md", "Authentication and errors", "Pause of a suspended or in-setup account"): [
        outfame_post("pause", {"account_id": "acc_Susp3nd3d1"}), outfame_post("pause", {"account_id": "acc_S3tupAcc01"})],
    ("fidelity-outfame.md", "Authentication and errors", "Missing or blank `account_id`"): [
        outfame("stats"), outfame_post("pause", {"account_id": " "})],
    ("fidelity-outfame.md", "Authentication and errors", "Parameter given twice, a wrong `type`, a bad `limit`"): [
        outfame("activity", account_id=ACCOUNT, type="Like"), outfame("activity", account_id=ACCOUNT, limit="201")],
    ("fidelity-outfame.md", "Authentication and errors", "`date`"): [
        outfame("activity", account_id=ACCOUNT, date="2026-02-30")],
    ("fidelity-outfame.md", "Authentication and errors", "Cursor"): _outfame_cursor_elsewhere,
    ("fidelity-outfame.md", "Authentication and errors", "Request bodies"): [
        outfame_post("pause", data=b"not json"), outfame_post("pause", {"account_id": 7}),
        Req("POST", "/v1/engagement/pause", headers=OUTFAME, data=b'{"reason": "' + b"x" * 70_000 + b'"}')],
    ("fidelity-outfame.md", "Authentication and errors", "Unknown paths under `/v1/engagement` (`/v1/engagement`, "
                                                         "`/v1/engagement/actions`, `/v1/engagement/stats/today`, any "
                                                         "method)"): [
        get("/v1/engagement", {}), get("/v1/engagement/actions", OUTFAME), Req("PUT", "/v1/engagement/stats/today")],
    ("fidelity-outfame.md", "Authentication and errors", "Wrong method on a documented path (`GET "
                                                         "/v1/engagement/pause`, ...)"): [
        get("/v1/engagement/pause", OUTFAME)],
}

# Cases that fill a rate-limit window get an app of their own, so the other cases share one undisturbed app.
OWN_APP = {("fidelity-appdotnet.md", "Rate limits", "Over the limit"), ("fidelity-nyne.md", "Behaviour", "Rate limits")}

# Rows whose status cannot be provoked through the API, and where they are tested instead.
EXEMPT = {
    ("fidelity.md", "General", "A bug inside the mock"):
        "needs a bug in the mock: tests/core/test_http.py makes one and checks the 500",
}


# -- judging ------------------------------------------------------------------------------

def _statuses_of(status: int, body: Any) -> set[int]:
    """The HTTP status, and App.net's meta.code (JSONP answers are HTTP 200 whatever happened)."""
    codes = {status}
    if isinstance(body, dict) and isinstance(body.get("meta"), dict) and isinstance(body["meta"].get("code"), int):
        codes.add(body["meta"]["code"])
    return codes


def _decode(raw: bytes) -> Any:
    text = raw.decode("utf-8", "replace")
    jsonp = re.fullmatch(r"[\w.$]+\((.*)\)\s*", text, re.S)
    try:
        return json.loads(jsonp[1] if jsonp else text)
    except ValueError:
        return None


def _prefix(text: str) -> str:
    """What is literal in a documented message: up to a placeholder (`<id>`) or an ellipsis."""
    return re.split(r"<|\.\.\.", text, maxsplit=1)[0]


def _same_shape(documented: Any, served: Any) -> bool:
    if documented is ANY:
        return True
    if documented is str:
        return isinstance(served, str)
    if isinstance(documented, dict):
        return isinstance(served, dict) and set(documented) == set(served) and all(
            _same_shape(value, served[key]) for key, value in documented.items())
    return type(documented) is type(served) and documented == served


def _detail_matches(detail: str | None, raw: bytes, body: Any) -> bool:
    if detail is None:
        return True
    if detail.startswith("{"):
        documented = shape(detail)
        return documented is None or _same_shape(documented, body)
    return _prefix(detail).strip() in raw.decode("utf-8", "replace")


async def _replay(client: TestClient, steps: Steps) -> list[tuple[int, bytes, Any]]:
    requests = steps if isinstance(steps, list) else await steps(client)
    answers = []
    for step in requests:
        response = await client.request(step.method, step.path, params=step.params, headers=step.headers,
                                        json=step.json, data=step.data)
        raw = await response.read()
        if step.judged:
            answers.append((response.status, raw, _decode(raw)))
    return answers


async def test_every_row_naming_a_status_matches_the_served_mock(make_client: ClientFactory) -> None:
    shared = await make_client(providers=available_providers())
    found = {row.key: row for row in rows()}
    assert len(found) > 50, "the fidelity tables were not read"
    problems = [f"{key}: no such row naming a status (stale case?)" for key in set(CASES) | set(EXEMPT)
                if key not in found]
    for key, row in found.items():
        if key in EXEMPT:
            continue
        if key not in CASES:
            problems.append(f"{key} names {sorted(row.statuses, key=str)} or a body but has no case in {__name__}")
            continue
        client = await make_client(providers=available_providers()) if key in OWN_APP else shared
        answers = await _replay(client, CASES[key])
        allowed = {status for status, _ in row.statuses}
        for status, detail in sorted(row.statuses, key=str):
            if not any(status in _statuses_of(s, body) and _detail_matches(detail, raw, body)
                       for s, raw, body in answers):
                seen = [(s, raw[:120]) for s, raw, _ in answers]
                problems.append(f"{key}: the row names {status} {detail or ''}, the mock answered {seen}")
        for documented in row.bodies:
            if not any(_same_shape(documented, body) for _, _, body in answers):
                problems.append(f"{key}: no answer has the body the row shows; the mock answered "
                                f"{[raw[:120] for _, raw, _ in answers]}")
        for s, raw, body in answers:
            if allowed and not _statuses_of(s, body) <= allowed:
                problems.append(f"{key}: the mock answered {s} {raw[:120]!r}, a status the row does not name "
                                f"({sorted(allowed)})")
    assert not problems, "\n".join(problems)
