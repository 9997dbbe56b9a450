"""/__admin/ui/: the dashboard, static files from the package (no build step, nothing fetched from elsewhere)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from aiohttp import web

from mockserver.admin.access import served_without_token
from mockserver.admin.common import AdminError

UI_DIR = Path(__file__).resolve().parent / "ui"
_TYPES = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}
# The page runs only its own script and style and talks only to this server.
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
AUTH_PLACEHOLDER = b"__ADMIN_AUTH__"  # in index.html: "token" when the page must ask for the admin token
ADMIN_TOKEN_SET = web.AppKey("admin_token_set", bool)


@lru_cache(maxsize=None)
def _file(name: str) -> bytes:
    return (UI_DIR / name).read_bytes()


def _answer(name: str, body: bytes) -> web.Response:
    return web.Response(body=body, content_type=_TYPES[name], charset="utf-8", headers=_HEADERS)


@served_without_token
async def index(request: web.Request) -> web.Response:
    auth = b"token" if request.app[ADMIN_TOKEN_SET] else b"loopback"
    return _answer("index.html", _file("index.html").replace(AUTH_PLACEHOLDER, auth))


@served_without_token
async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in _TYPES or name == "index.html":  # the page itself only at /ui/, where its placeholder is filled
        raise AdminError(404, "not_found", f"the dashboard has no file {name!r}")
    return _answer(name, _file(name))


@served_without_token
async def to_index(request: web.Request) -> web.Response:
    raise web.HTTPPermanentRedirect(request.path + "/")


def add_routes(admin: web.Application) -> None:
    admin.router.add_get("/ui", to_index)
    admin.router.add_get("/ui/", index)
    admin.router.add_get("/ui/{name}", asset)
