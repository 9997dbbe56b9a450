"""Property-based fuzzing of every provider endpoint: any request gets a schema-valid answer below 500.

Each endpoint of each provider (read from the apps' route tables) gets requests
built by Hypothesis: valid credentials mixed with missing, mangled and foreign
ones; query parameters drawn from the endpoint's query schema (or the
parameters its handler reads) plus unknown names, repeated names, odd unicode,
percent-encoded lone surrogates, huge and non-numeric numbers; JSON bodies
built from the body schema plus arbitrary JSON, garbage bytes and wrong
content types. Now and then the mock's clock moves, so jobs and tasks finish
and rate-limit windows slide, and ids the mock issued are fed back in.

Every answer must be below 500, carry no traceback, and be valid against the
endpoint's response schema (success status) or error schema (any other);
strict mode records any violation as well, which fails the test.

The run is derandomized (the same examples every time, so CI is reproducible)
and sized to add a few seconds to `make test`. For a long run:

    FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/fuzz -q

(`FUZZ_EXAMPLES` is the number of examples per endpoint; `FUZZ_SEED=<n>`
additionally turns derandomization off and explores with that seed.)
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from mockserver.core.http import Endpoint
from mockserver.store.appkeys import PROVIDERS, SCHEMAS
from tests.conftest import ClientFactory
from tests.fuzz.helpers import (
    ENUM, FLAG, ID, KNOWN_BODY_FIELDS, KNOWN_IDS, KNOWN_QUERY, LONE_SURROGATE, NUMERIC, ODD_CHARACTERS,
    PROVIDER_NAMES, Sent, Target, body_schema_name, build_url, encode_part, endpoint_of, json_bytes, send,
    targets, valid_auth_headers, verdict,
)

DEFAULT_EXAMPLES = 120  # per endpoint; ten endpoints at this size take a few seconds in all
FUZZ_SEED = os.environ.get("FUZZ_SEED")
MAX_TARGET_CHARS = 7000  # under aiohttp's 8190-byte request line, with room for the method and version
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", DEFAULT_EXAMPLES)),
    deadline=None,  # one example is one HTTP round trip; timing is not what is under test
    derandomize=FUZZ_SEED is None,
    database=None,  # nothing written under the repository
    # One app per endpoint serves every example on purpose: state (jobs, pauses, rate limits) builds up.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
    print_blob=True,
)

# -- value strategies -------------------------------------------------------------

_HEADER_SAFE = st.characters(min_codepoint=0x20, max_codepoint=0x2FFFF, exclude_categories=("Cs", "Cc"))
odd_text = st.sampled_from(ODD_CHARACTERS)
numbers_as_text = st.one_of(
    st.integers(1, 100).map(str),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["0", "-0", "-1", "+1", "1.5", "2.0", "1e3", " 7 ", "0x10", "\u0661\u0662", "\uff11",
                     "NaN", "Infinity", "", "9" * 40, "1" * 5000, "1,2", "null", "true"]),
    st.text(max_size=5),
)
flags_as_text = st.sampled_from(["0", "1", "true", "false", "TRUE", "yes", "", " 1 "])


def texts_around(known: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Known good values, and each of them bent: odd characters, surrogates, case, padding, length."""
    pick = st.sampled_from(known) if known else st.just("x")
    return st.one_of(
        pick, pick,
        st.text(max_size=40),
        odd_text,
        st.tuples(pick, odd_text).map("".join),
        pick.map(lambda value: value + LONE_SURROGATE),
        pick.map(str.upper), pick.map(lambda value: f"  {value}  "),
        st.integers(0, 4000).map(lambda n: "a" * n),  # long, yet under aiohttp's 8190-byte request line
    )


def value_for(kind: str, choices: tuple[Any, ...], ids: tuple[str, ...]) -> st.SearchStrategy[Any]:
    if kind == NUMERIC:
        return numbers_as_text
    if kind == FLAG:
        return flags_as_text
    if kind == ID:
        return texts_around(ids)
    return st.one_of(st.sampled_from(choices), st.sampled_from(choices), texts_around(tuple(map(str, choices))))


def query_parameters(app_endpoint: Endpoint, schemas: Any, target: Target) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """The parameters an endpoint reads: from its query schema if it has one, else from the handler's list."""
    if app_endpoint.query_schema is None:
        return KNOWN_QUERY.get((target.method, target.path), {})
    found: dict[str, tuple[str, tuple[Any, ...]]] = {}
    for name, prop in schemas.document(app_endpoint.query_schema)["properties"].items():
        if "enum" in prop:
            found[name] = (ENUM, tuple(prop["enum"]))
        elif prop.get("type") == "integer":
            found[name] = (NUMERIC, ())
        else:
            found[name] = (ID, ())
    return found


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**25), 10**25), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), odd_text, st.just(LONE_SURROGATE), st.just(10**400),
)
any_json = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)


def from_schema(schema: dict[str, Any], schemas: Any) -> st.SearchStrategy[Any]:
    """A value that often obeys a (simple) request schema, and sometimes bends it."""
    if "$ref" in schema:
        return any_json
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    options: list[st.SearchStrategy[Any]] = []
    for kind in kinds:
        if kind == "string":
            if "pattern" in schema:
                options.append(st.from_regex(schema["pattern"], fullmatch=True))
            options.append(st.text(max_size=schema.get("maxLength", 40)))
            if "maxLength" in schema:
                options.append(st.integers(schema["maxLength"] + 1, schema["maxLength"] * 3).map(lambda n: "r" * n))
        elif kind == "integer":
            options.append(st.integers(schema.get("minimum", -(10**6)), schema.get("maximum", 10**6)))
        elif kind == "null":
            options.append(st.none())
        elif kind == "object":
            properties = schema.get("properties", {})
            options.append(st.fixed_dictionaries(
                {}, optional={name: from_schema(prop, schemas) for name, prop in properties.items()}))
    return st.one_of(*options) if options else any_json


def object_of_fields(fields: dict[str, tuple[str, tuple[Any, ...]]], ids: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries({}, optional={
        name: st.one_of(value_for(kind, choices, ids), json_scalars) for name, (kind, choices) in fields.items()})


# -- one request ------------------------------------------------------------------


def auth_variants(valid: dict[str, str]) -> st.SearchStrategy[dict[str, str]]:
    """Valid credentials most of the time; otherwise none, blank, mangled or odd ones."""
    name, value = next(iter(valid.items()))
    header_text = st.text(_HEADER_SAFE, max_size=60)
    return st.one_of(
        st.just(valid), st.just(valid), st.just(valid), st.just(valid),
        st.just({}),
        st.just({key: "" for key in valid}), st.just({key: "   " for key in valid}),
        header_text.map(lambda text: {**valid, name: text}),
        header_text.map(lambda text: {**valid, name: value + text}),
        st.sampled_from(["Basic dXNlcjpwYXNz", "bearer", "Bearer", "Bearer  ", value.lower(), value.upper()])
        .map(lambda text: {**valid, name: text}),
        st.just({key.upper(): item for key, item in valid.items()}),  # header names are case-insensitive
        st.just(dict(list(valid.items())[:1])),  # half of a key/secret pair
    )


CONTENT_TYPES = ("application/json", "application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
                 "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None)


@st.composite
def requests_for(draw: st.DrawFn, target: Target, endpoint: Endpoint, schemas: Any, credentials: dict[str, Any],
                 issued: list[str], body_schema: str | None) -> Sent:
    ids = KNOWN_IDS[target.provider] + tuple(issued[-20:])
    headers = dict(draw(auth_variants(valid_auth_headers(credentials))))

    path = target.path
    if "{user_id}" in path:
        # Empty, or with / { }: no route matches, the documented general 404 for unknown paths.
        segment = texts_around(ids).filter(lambda text: text != "" and not set(text) & set("/{}"))
        path = path.replace("{user_id}", encode_part(draw(segment)))

    params = query_parameters(endpoint, schemas, target)
    query: list[tuple[str, str]] = []
    for name in draw(st.lists(st.sampled_from(sorted(params)), max_size=len(params) + 2)) if params else []:
        kind, choices = params[name]
        query.append((name, str(draw(value_for(kind, choices, ids)))))
    if target.provider == "outx" and target.path == "/api-interactions" and draw(st.integers(0, 3)):
        # Mostly aim at a real watchlist, or the fuzzer rarely gets past the 400 for a missing id.
        query.insert(0, ("watchlist_id", draw(st.sampled_from(KNOWN_IDS["outx"][:3]))))
    query += draw(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=20)), max_size=3))  # unknown names
    while query and len(build_url(path, query)) > MAX_TARGET_CHARS:
        query.pop()  # longer request lines are aiohttp's own 400, which test_bad_input covers

    if draw(st.integers(0, 9)) == 0:
        headers["X-ADN-Pretty-JSON"] = "1"
    if draw(st.integers(0, 9)) == 0:
        headers[draw(st.sampled_from(["X-Custom", "Accept", "User-Agent"]))] = draw(st.text(_HEADER_SAFE, max_size=30))

    body: bytes | None = None
    if target.method == "POST" or draw(st.integers(0, 9)) == 0:
        if body_schema is not None:
            shaped = from_schema(schemas.document(body_schema), schemas)
        else:
            shaped = object_of_fields(KNOWN_BODY_FIELDS.get((target.method, target.path), {}), ids)
        choice = draw(st.integers(0, 9))
        if choice < 6:
            body = json_bytes(draw(shaped))
        elif choice < 8:
            body = json_bytes(draw(any_json))
        elif choice == 8:
            body = draw(st.binary(max_size=64))
        else:
            body = b""
        content_type = draw(st.sampled_from(CONTENT_TYPES))
        if content_type is not None:
            headers["Content-Type"] = content_type
    return Sent(target.method, build_url(path, query), headers, body)


def remember_ids(target: Target, body: Any, issued: list[str]) -> None:
    """Ids the mock handed out, so later examples poll real tasks and jobs."""
    data = body.get("data") if isinstance(body, dict) else None
    for value in (body.get("api_agent_task_id") if isinstance(body, dict) else None,
                  data.get("request_id") if isinstance(data, dict) else None):
        if isinstance(value, str) and value not in issued:
            issued.append(value)


# -- the property -----------------------------------------------------------------


@pytest.fixture
async def fuzz_client(make_client: ClientFactory) -> TestClient:
    return await make_client(providers=PROVIDER_NAMES)


@pytest.fixture
def issued() -> list[str]:
    """Ids the mock issued during this test (a fixture, so Hypothesis's examples share it)."""
    return []


@pytest.mark.parametrize("target", targets(), ids=lambda target: target.id)
@seed(int(FUZZ_SEED or 0))  # ignored while derandomized
@FUZZ
@given(data=st.data())
async def test_any_request_gets_a_schema_valid_answer_below_500(
        fuzz_client: TestClient, issued: list[str], target: Target, data: st.DataObject) -> None:
    app = fuzz_client.server.app
    runtime = app[PROVIDERS][target.provider]
    endpoint = endpoint_of(app, target)
    if data.draw(st.integers(0, 15), label="clock") == 0:
        step = data.draw(st.sampled_from(["10s", "1m", "1h"]), label="advance")
        moved = await fuzz_client.post("/__admin/clock/advance", json={"by": step})
        assert moved.status == 200
    sent = data.draw(requests_for(target, endpoint, app[SCHEMAS], runtime.credentials(), issued,
                                  body_schema_name(app, endpoint, target.provider)), label="request")
    status, content_type, raw = await send(fuzz_client, sent)
    _, body = verdict(app, endpoint, sent, status, content_type, raw)
    if status == endpoint.success_status:
        remember_ids(target, body, issued)


def test_every_provider_endpoint_is_fuzzed() -> None:
    """The catalogue comes from the route tables: a new endpoint is fuzzed without touching this module."""
    covered = {target.provider for target in targets()}
    assert covered == set(PROVIDER_NAMES)
    assert len(targets()) == len(set(targets())) >= 10
