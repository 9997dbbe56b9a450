"""/__admin/ui/: the dashboard's files, their headers, and who may load them."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from mockserver.admin.dashboard import UI_DIR
from mockserver.app import create_app
from tests.admin.remote import seen_from
from tests.conftest import test_settings


async def test_the_page_and_its_files(client: TestClient) -> None:
    page = await client.get("/__admin/ui/")
    assert page.status == 200 and page.content_type == "text/html"
    html = await page.text()
    assert '<meta name="mockserver-admin-auth" content="loopback">' in html
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "connect-src 'self'" in policy
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        response = await client.get(f"/__admin/ui/{name}")
        assert response.status == 200 and response.content_type == kind
        assert await response.read() == (UI_DIR / name).read_bytes()
    # Everything the page loads comes from this server: no CDN, nothing fetched from elsewhere.
    for source in re.findall(r'(?:src|href)="([^"#]+)"', html):
        assert source in ("style.css", "app.js", "data:,"), source
    assert "http" not in (UI_DIR / "app.js").read_text().replace("http://www.w3.org/2000/svg", "")


async def test_the_bare_path_redirects_and_unknown_files_are_404(client: TestClient) -> None:
    response = await client.get("/__admin/ui", allow_redirects=False)
    assert response.status == 308 and response.headers["Location"] == "/__admin/ui/"
    for name in ("index.html", "secrets.txt", "..%2fapp.py", ".."):
        assert (await client.get(f"/__admin/ui/{name}")).status == 404, name


async def test_without_a_token_only_loopback_callers_get_the_page(aiohttp_client) -> None:
    client = await aiohttp_client(seen_from(create_app(test_settings())))
    for path in ("/__admin/ui/", "/__admin/ui/app.js", "/__admin/health", "/__admin/events"):
        response = await client.get(path)
        assert response.status == 403 and (await response.json())["error"] == "admin_loopback_only", path


async def test_with_a_token_the_page_loads_anywhere_and_asks_for_the_token(aiohttp_client) -> None:
    client = await aiohttp_client(seen_from(create_app(test_settings(admin_token="t0ken"))))
    page = await client.get("/__admin/ui/")
    assert page.status == 200 and 'content="token"' in await page.text()
    assert (await client.get("/__admin/ui/app.js")).status == 200
    for path in ("/__admin/health", "/__admin/events", "/__admin/journal/1", "/__admin/providers/outx/tasks"):
        assert (await client.get(path)).status == 401, path
    authorised = {"Authorization": "Bearer t0ken"}
    assert (await client.get("/__admin/health", headers=authorised)).status == 200
    # The page's files are the only exception: they hold no data.
    assert (await client.get("/__admin/ui/", headers={"Authorization": "Bearer wrong"})).status == 200
