"""Route tables, replies, error rendering and strict-mode response validation.

A provider declares `Endpoint`s; `mount` wraps each handler so that an
`ApiError` becomes the provider's documented error body, unexpected failures
never leak a traceback, and (in strict mode) every body is checked against
the schema the endpoint declares for that status.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping

import orjson
from aiohttp import web

from mockserver.core.errors import ApiError
from mockserver.core.validation import SchemaStore, Violation

log = logging.getLogger("mockserver")


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler returns: a JSON-serialisable body and its status.

    `encoded` is the body already serialised as compact JSON, for handlers
    that memoise whole answers: serialising a large page costs more than
    everything else a memoised request does. Strict mode still validates `body`.
    """

    body: Any
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    encoded: bytes | None = None

    def compact_json(self) -> bytes:
        return self.encoded if self.encoded is not None else orjson.dumps(self.body)


Handler = Callable[[web.Request], Awaitable[Reply]]
ErrorRenderer = Callable[[ApiError], Any]
Responder = Callable[[web.Request, Reply], web.StreamResponse]


@dataclass(frozen=True, slots=True)
class Link:
    """A later call that takes values from this operation's success answer (an OpenAPI link).

    `operation` is the handler name of the linked endpoint of the same provider; `parameters`
    maps its parameter names to runtime expressions such as "$response.body#/api_agent_task_id".
    """

    operation: str
    parameters: Mapping[str, str] = field(default_factory=dict)
    request_body: Any = None  # a JSON body whose string leaves may be runtime expressions
    description: str = ""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One documented operation: where it lives and which schemas its bodies obey."""

    method: str
    path: str
    handler: Handler
    summary: str
    response_schema: str  # schema name of the success body
    error_schema: str  # schema name of every error body
    success_status: int = 200
    query_schema: str | None = None  # an object schema whose properties are the query parameters
    body_schema: str | None = None  # schema of the JSON request body
    error_statuses: tuple[int, ...] = ()  # the documented error statuses (OpenAPI lists them)
    # Media types of the success answer; App.net's JSONP is application/javascript. Errors are JSON.
    media_types: tuple[str, ...] = ("application/json",)
    links: Mapping[str, Link] = field(default_factory=dict)  # by link name
    # Query parameters whose mere presence changes the whole answer (App.net's JSONP `callback`: HTTP 200
    # whatever happened, nothing else checked). OpenAPI cannot say that of a parameter, so the document
    # describes them in the operation's text, by name -> explanation, instead of listing them.
    mode_parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StrictViolation:
    """A response that broke its own schema; strict mode records and refuses it."""

    method: str
    path: str
    status: int
    schema: str
    violations: tuple[Violation, ...]

    def describe(self) -> str:
        lines = [f"{self.method} {self.path} -> {self.status} does not match {self.schema}:"]
        lines.extend(f"  {violation}" for violation in self.violations[:20])
        return "\n".join(lines)


_KNOWN_VALID = 1024  # (schema, body digest) pairs remembered as valid; when full the memory starts over


@dataclass
class StrictMode:
    """Validates every provider response; keeps the failures for tests to inspect.

    Validating a page takes milliseconds, and a test suite asks for the same
    pages again and again (after every reset, say), so bodies already found
    valid are remembered by a digest of their JSON: equal bytes, equal verdict.
    """

    schemas: SchemaStore
    failures: list[StrictViolation] = field(default_factory=list)
    # How a failure is kept: appended here, or handed to a shared store that appends it in every process.
    record: Callable[[StrictViolation], None] | None = None
    _known_valid: set[tuple[str, bytes]] = field(default_factory=set, repr=False)

    def check(self, request: web.Request, status: int, schema: str, body: Any,
              encoded: bytes | None = None) -> StrictViolation | None:
        """`encoded`: the body as compact JSON, when the handler has it already."""
        key = _digest(schema, body, encoded)
        if key is not None and key in self._known_valid:
            return None
        found = self.schemas.violations(schema, body)
        if not found:
            if key is not None:
                if len(self._known_valid) >= _KNOWN_VALID:
                    self._known_valid.clear()
                self._known_valid.add(key)
            return None
        failure = StrictViolation(request.method, request.path_qs, status, schema, tuple(found))
        (self.record or self.failures.append)(failure)
        log.error("strict mode: %s", failure.describe())
        return failure


def _digest(schema: str, body: Any, encoded: bytes | None) -> tuple[str, bytes] | None:
    try:
        raw = orjson.dumps(body) if encoded is None else encoded
    except TypeError:  # not JSON at all: no memo, and the validator says why
        return None
    return schema, hashlib.blake2b(raw, digest_size=16).digest()


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None,
                  encoded: bytes | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(body) if encoded is None else encoded, status=status, headers=headers,
        content_type="application/json",
    )


def mount(
    app: web.Application,
    endpoints: tuple[Endpoint, ...],
    render_error: ErrorRenderer,
    respond: Responder,
    strict: StrictMode | None,
    namespace: str | None = None,
) -> list[str]:
    """Add a provider's endpoints to the app, each wrapped by `_bind`; return the routes' canonical paths.

    A GET endpoint answers HEAD too (aiohttp sends the headers and drops the
    body). Every path also gets a catch-all route, added last so it only sees
    the methods nobody else takes: a wrong method answers 405 in the
    provider's own error shape, with an `Allow` header. A provider that owns a
    whole `namespace` (a path prefix such as `/v1/engagement`) answers unknown
    paths under it with a 404 in its own shape too, after every path it serves.
    """
    methods: dict[str, list[Endpoint]] = {}
    for endpoint in endpoints:
        handler = _bind(endpoint, render_error, respond, strict)
        app.router.add_route(endpoint.method, endpoint.path, handler)
        if endpoint.method == "GET":
            app.router.add_route("HEAD", endpoint.path, handler)
        methods.setdefault(endpoint.path, []).append(endpoint)
    for path, served in methods.items():
        app.router.add_route("*", path, _bind(_wrong_method(path, served), render_error, respond, strict))
    paths = list(methods)
    if namespace is not None:
        unknown = _unknown_path(namespace, endpoints[0])
        for path in (namespace, namespace + "/{tail:.*}"):
            route = app.router.add_route("*", path, _bind(unknown, render_error, respond, strict))
            paths.append(route.resource.canonical if route.resource is not None else path)
    return paths


_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f]")


def _unsafe_header(value: str) -> bool:
    # A regex rather than a loop over characters: this runs for every header of every answer.
    return _CONTROL_CHARACTER.search(value) is not None


def _wrong_method(path: str, served: list[Endpoint]) -> Endpoint:
    served_methods = {endpoint.method for endpoint in served}
    allowed = ", ".join(sorted(served_methods | ({"HEAD"} if "GET" in served_methods else set())))

    async def method_not_allowed(request: web.Request) -> Reply:
        raise ApiError(405, "method_not_allowed", f"Method {request.method} not allowed on {request.path}",
                       headers={"Allow": allowed})

    first = served[0]
    return Endpoint("*", path, method_not_allowed, "wrong method", first.error_schema, first.error_schema)


def _unknown_path(namespace: str, first: Endpoint) -> Endpoint:
    async def no_such_path(request: web.Request) -> Reply:
        raise ApiError(404, "not_found", f"No route for {request.method} {request.path}")

    return Endpoint("*", namespace, no_such_path, "unknown path", first.error_schema, first.error_schema)


def client_went_away(error: BaseException, request: web.Request) -> bool:
    """Whether `error` only says the client hung up (say, half-way through its body): nothing to log,
    nobody to answer."""
    transport = request.transport
    return isinstance(error, ConnectionError) and (transport is None or transport.is_closing())


def _bind(endpoint: Endpoint, render_error: ErrorRenderer, respond: Responder,
          strict: StrictMode | None) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        schema = endpoint.response_schema
        try:
            reply = await endpoint.handler(request)
        except ApiError as error:
            reply = Reply(render_error(error), error.status, error.headers)
            schema = endpoint.error_schema
        except web.HTTPRequestEntityTooLarge:
            error = ApiError(413, "payload_too_large",
                             f"The request body is larger than {request.client_max_size} bytes")
            reply, schema = Reply(render_error(error), 413), endpoint.error_schema
        except web.HTTPException as http_error:
            # aiohttp's own refusals, in the provider's shape.
            error = ApiError(http_error.status, "http_error", http_error.reason)
            reply, schema = Reply(render_error(error), error.status), endpoint.error_schema
        except Exception as unexpected:
            if client_went_away(unexpected, request):
                error = ApiError(400, "connection_lost", "The client hung up before its request arrived")
            else:
                # A bug in the mock, not a documented behaviour: log it for the
                # maintainer, answer in the provider's shape, never leak a traceback.
                log.exception("unhandled error in %s %s", request.method, request.path)
                error = ApiError(500, "mock_internal_error", "The mock server failed unexpectedly; see its log")
            reply = Reply(render_error(error), error.status)
            schema = endpoint.error_schema
        if strict is not None:
            failure = strict.check(request, reply.status, schema, reply.body, reply.encoded)
            if failure is not None:
                return web.Response(
                    text=failure.describe() + "\n",
                    status=500,
                    headers={"X-Mock-Strict-Violation": schema},
                )
        try:
            if any(_unsafe_header(value) for value in reply.headers.values()):
                raise ValueError(f"header value with control characters in {sorted(reply.headers)}")
            return respond(request, reply)
        except Exception:
            # A bug in the mock (an unserialisable body, a header aiohttp would refuse): answer
            # in the provider's shape rather than dropping the connection.
            log.exception("could not send the answer to %s %s", request.method, request.path)
            error = ApiError(500, "mock_internal_error", "The mock server failed unexpectedly; see its log")
            return json_response(render_error(error), 500)

    handle.__name__ = endpoint.handler.__name__
    return handle
