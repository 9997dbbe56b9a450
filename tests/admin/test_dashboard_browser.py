"""The dashboard in a real browser: headless Chromium (Debian's chromium and chromium-driver) against a served mock.

One browser for the module. Screenshots of each view go to $DASHBOARD_SCREENSHOTS, or a temporary directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from aiohttp import web
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from mockserver.settings import ALL_PROVIDERS
from mockserver.store.appkeys import STRICT
from mockserver.testing.threaded import ThreadedMockServer
from tests.admin.remote import seen_from
from tests.conftest import DOCS_WATCHLIST, OUTX_KEY, test_settings
from tests.system import headless_chromium, require_programs

TOKEN = "dashboard-t0ken"
VIEWS = ("traffic", "clock", "work", "usage", "steering")
NAV = {"traffic": "Traffic", "clock": "Clock", "work": "Async work", "usage": "Usage", "steering": "Steering"}


class RemoteBrowserServer(ThreadedMockServer):
    """A mock with an admin token whose app sees every caller as another host, as a remote browser would be."""

    def make_app(self) -> web.Application:
        return seen_from(super().make_app())


PROGRAMS = require_programs("chromium", "chromedriver", "curl", why="the dashboard's browser tests")


@pytest.fixture(scope="module")
def programs() -> dict[str, str]:
    return PROGRAMS


@pytest.fixture(scope="module")
def browser(programs: dict[str, str]) -> Iterator[WebDriver]:
    with headless_chromium(programs, {"goog:loggingPrefs": {"browser": "ALL"}}) as driver:
        yield driver


def _serve(server: ThreadedMockServer) -> Iterator[ThreadedMockServer]:
    with server:
        yield server
        assert server.app is not None
        failures = server.app[STRICT].failures
        assert not failures, "\n".join(f.describe() for f in failures)


@pytest.fixture(scope="module")
def served(programs: dict[str, str]) -> Iterator[ThreadedMockServer]:
    yield from _serve(ThreadedMockServer(test_settings(port=0, providers=ALL_PROVIDERS)))


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("DASHBOARD_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("dashboard-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def admin(server: ThreadedMockServer, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    request = urllib.request.Request(f"{server.url}/__admin{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def curl(server: ThreadedMockServer, path: str, *args: str) -> int:
    """Send a request with curl, as a developer would; the HTTP status."""
    done = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *args, f"{server.url}{path}"],
                          capture_output=True, text=True, timeout=30, check=True)
    return int(done.stdout)


def outx_read(server: ThreadedMockServer) -> int:
    return curl(server, f"/api-interactions?watchlist_id={DOCS_WATCHLIST}&page_size=5", "-H", f"x-api-key: {OUTX_KEY}")


def wait(browser: WebDriver, condition: Callable[[WebDriver], Any], timeout_s: float = 5.0) -> Any:
    """Until `condition` holds; an element the page re-rendered meanwhile is looked up again."""
    return WebDriverWait(browser, timeout_s, poll_frequency=0.05,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(condition)


def click(browser: WebDriver, by: str, what: str) -> None:
    """Find and click, again if the page redrew the element in between (it redraws on live events)."""
    wait(browser, lambda d: d.find_element(by, what).click() or True)


def text_of(browser: WebDriver, selector: str) -> str:
    try:
        found = browser.find_elements(By.CSS_SELECTOR, selector)
        return found[0].text if found else ""
    except StaleElementReferenceException:  # redrawn between finding and reading: read it again
        return text_of(browser, selector)


def open_page(browser: WebDriver, server: ThreadedMockServer, view: str = "traffic") -> None:
    browser.get("about:blank")  # a fresh page each time, not a jump within the last one
    browser.get(f"{server.url}/__admin/ui/#{view}")
    wait(browser, lambda d: "live:" in text_of(d, "#summary"))


def go_to(browser: WebDriver, view: str) -> None:
    """Through the page's own navigation, as a person would."""
    click(browser, By.LINK_TEXT, NAV[view])
    wait(browser, lambda d: d.find_element(By.ID, view).is_displayed())


def console_errors(browser: WebDriver) -> list[dict[str, Any]]:
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_the_page_loads_with_no_console_errors(browser: WebDriver, served: ThreadedMockServer) -> None:
    admin(served, "POST", "/reset")
    open_page(browser, served)
    for view in VIEWS:
        go_to(browser, view)
    wait(browser, lambda d: "scenario (" in text_of(d, "#scenario"))
    assert console_errors(browser) == []


def test_a_request_sent_with_curl_appears_within_a_second(browser: WebDriver, served: ThreadedMockServer) -> None:
    admin(served, "POST", "/reset")
    open_page(browser, served)
    assert outx_read(served) == 200
    sent = time.monotonic()
    wait(browser, lambda d: "/api-interactions" in text_of(d, "#traffic-rows"), timeout_s=1.0)
    assert time.monotonic() - sent < 1.0
    assert "200" in text_of(browser, "#traffic-rows tr") and console_errors(browser) == []


def test_advancing_the_clock_in_the_page_completes_a_pending_like_task(browser: WebDriver,
                                                                       served: ThreadedMockServer) -> None:
    admin(served, "POST", "/reset")
    assert curl(served, "/linkedin-agent/like-post", "-X", "POST", "-H", f"x-api-key: {OUTX_KEY}", "-H",
                "Content-Type: application/json", "-d", '{"social_urn": "urn:li:activity:7123456789012345678"}') == 200
    [task] = admin(served, "GET", "/providers/outx/tasks")["tasks"]
    status = f'#tasks tr[data-id="{task["id"]}"] td:nth-child(4)'
    open_page(browser, served, "work")
    wait(browser, lambda d: text_of(d, status) == "pending")
    go_to(browser, "clock")
    click(browser, By.XPATH, "//button[text()='Advance 1 min']")
    wait(browser, lambda d: "like task completes" in text_of(d, "#fell-due"))
    go_to(browser, "work")
    wait(browser, lambda d: text_of(d, status) == "completed")
    assert console_errors(browser) == []


def test_adding_a_fault_rule_in_the_form_makes_the_next_request_fail(browser: WebDriver,
                                                                     served: ThreadedMockServer) -> None:
    admin(served, "POST", "/reset")
    open_page(browser, served, "steering")
    form = browser.find_element(By.ID, "fault-form")
    Select(form.find_element(By.NAME, "kind")).select_by_value("status")
    form.find_element(By.NAME, "path").send_keys("/api-interactions")
    form.find_element(By.NAME, "count").send_keys("1")
    form.find_element(By.XPATH, ".//button[text()='Add rule']").click()
    wait(browser, lambda d: "fault-1" in text_of(d, "#faults"))
    assert outx_read(served) == 503
    assert outx_read(served) == 200  # the rule was for one request
    go_to(browser, "traffic")
    faulted = "#traffic-rows tr:nth-child(2)"
    wait(browser, lambda d: "503" in text_of(d, faulted) and "fault-1" in text_of(d, faulted))
    click(browser, By.CSS_SELECTOR, f"{faulted} button")
    wait(browser, lambda d: "fault-1: answer 503 for any method any provider /api-interactions" in text_of(d, "#detail-body"))
    assert "curl" in text_of(browser, "#detail-body .command") and console_errors(browser) == []


def test_state_downloaded_from_the_page_uploads_back(browser: WebDriver, served: ThreadedMockServer,
                                                    tmp_path: Path) -> None:
    admin(served, "POST", "/reset")
    flag = f"watchlist:{DOCS_WATCHLIST}:simulate_failure"
    box = f"//label[contains(., '{flag}')]/input"
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    open_page(browser, served, "steering")
    wait(browser, lambda d: d.find_element(By.XPATH, box).click() or True)  # flags flip from the page too
    wait(browser, lambda d: admin(served, "GET", "/flags")["outx"][flag] is True)
    browser.find_element(By.ID, "export-state").click()
    saved = tmp_path / "mockserver-state.json"
    wait(browser, lambda d: saved.exists() and saved.stat().st_size > 0)
    assert json.loads(saved.read_text())["providers"]["outx"]["flags"] == {flag: True}
    admin(served, "PATCH", "/flags", {"outx": {flag: False}})
    wait(browser, lambda d: not d.find_element(By.XPATH, box).is_selected())
    browser.find_element(By.ID, "import-state").send_keys(str(saved))
    wait(browser, lambda d: admin(served, "GET", "/flags")["outx"][flag] is True)
    wait(browser, lambda d: d.find_element(By.XPATH, box).is_selected())
    assert console_errors(browser) == []


def tab_to(browser: WebDriver, label: str, most: int = 60) -> None:
    """Press Tab until the focused element reads `label`, then Enter: no mouse involved."""
    for _ in range(most):
        focused = browser.switch_to.active_element
        if focused.text.strip() == label:
            focused.send_keys(Keys.ENTER)
            return
        focused.send_keys(Keys.TAB)
    raise AssertionError(f"no focusable element {label!r} within {most} tabs")


def test_the_page_is_usable_from_the_keyboard(browser: WebDriver, served: ThreadedMockServer) -> None:
    admin(served, "POST", "/reset")
    assert outx_read(served) == 200
    open_page(browser, served)
    wait(browser, lambda d: "/api-interactions" in text_of(d, "#traffic-rows"))
    tab_to(browser, "/api-interactions")
    wait(browser, lambda d: d.switch_to.active_element.get_attribute("id") == "detail-h")  # focus moves to the detail
    tab_to(browser, "Clock")
    wait(browser, lambda d: d.find_element(By.ID, "clock").is_displayed())
    tab_to(browser, "Advance 5 s")
    wait(browser, lambda d: "10:40:05" in text_of(d, "#clock-now"))
    assert console_errors(browser) == []


def test_a_screenshot_of_each_view(browser: WebDriver, served: ThreadedMockServer, screenshots: Path) -> None:
    admin(served, "POST", "/reset")
    admin(served, "POST", "/faults", {"kind": "status", "status": 429, "path": "/stream/*", "count": 1})
    outx_read(served)
    curl(served, "/stream/0/users/me/interactions?count=5", "-H", "Authorization: Bearer YOUR_ACCESS_TOKEN")
    curl(served, "/linkedin-agent/like-post", "-X", "POST", "-H", f"x-api-key: {OUTX_KEY}", "-H",
         "Content-Type: application/json", "-d", '{"social_urn": "urn:li:activity:7123456789012345678"}')
    curl(served, "/person/interactions", "-X", "POST", "-H", "X-API-Key: YOUR_API_KEY", "-H",
         "X-API-Secret: YOUR_API_SECRET", "-H", "Content-Type: application/json", "-d",
         '{"social_media_url": "https://x.com/janedoe", "type": "followers", "callback_url": "http://127.0.0.1:9/"}')
    admin(served, "POST", "/clock/advance", {"by": "6s"})
    admin(served, "POST", "/faults", {"kind": "latency", "latency_ms": 300, "provider": "outfame"})
    ready = {
        "traffic": lambda d: len(d.find_elements(By.CSS_SELECTOR, "#traffic-rows tr")) == 4 and show_faulted(d),
        "clock": lambda d: "like task completes" in text_of(d, "#upcoming"),
        "work": lambda d: "dlv_000001" in text_of(d, "#callbacks"),
        "usage": lambda d: len(d.find_elements(By.CSS_SELECTOR, "#watchlists figure")) == 4,
        "steering": lambda d: "fault-2" in text_of(d, "#faults") and "scenario (" in text_of(d, "#scenario"),
    }

    def show_faulted(d: WebDriver) -> bool:
        """The request the fault rule answered, in full (the traffic view's screenshot shows it)."""
        d.find_element(By.CSS_SELECTOR, "#traffic-rows tr:nth-child(3) button").click()
        return wait(d, lambda d: "fault-1" in text_of(d, "#detail-body"))

    browser.set_window_size(1280, 1500)
    open_page(browser, served)
    for view in VIEWS:
        go_to(browser, view)
        wait(browser, ready[view])
        shot = screenshots / f"dashboard-{view}.png"
        assert browser.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    assert console_errors(browser) == []
    # Every page this module opened before gave its stream up when it went away: only this one reads.
    outx_read(served)  # the server notices a reader has gone when it next writes to it
    wait(browser, lambda d: admin(served, "GET", "/health")["event_streams"] == 1)


def test_with_the_admin_token_from_a_non_loopback_address(browser: WebDriver, programs: dict[str, str]) -> None:
    server = RemoteBrowserServer(test_settings(port=0, providers=ALL_PROVIDERS, admin_token=TOKEN))
    for running in _serve(server):
        browser.get(f"{running.url}/__admin/ui/")
        login = wait(browser, lambda d: d.find_element(By.ID, "login") if d.find_element(By.ID, "login").is_displayed() else None)
        login.find_element(By.ID, "token").send_keys("not-the-token")
        login.find_element(By.XPATH, ".//button").click()
        wait(browser, lambda d: "refused" in text_of(d, "#notice") and d.find_element(By.ID, "login").is_displayed())
        browser.get_log("browser")  # the refusals above are logged as failed loads: expected
        login.find_element(By.ID, "token").send_keys(TOKEN)
        login.find_element(By.XPATH, ".//button").click()
        wait(browser, lambda d: "live:" in text_of(d, "#summary"))
        assert outx_read(running) == 200
        wait(browser, lambda d: "/api-interactions" in text_of(d, "#traffic-rows"), timeout_s=1.0)
        go_to(browser, "clock")
        click(browser, By.XPATH, "//button[text()='Advance 5 s']")
        wait(browser, lambda d: "10:40:05" in text_of(d, "#clock-now"))
        assert admin(running, "GET", "/clock", token=TOKEN)["now"] == "2024-01-16T10:40:05.000Z"
        assert browser.execute_script("return sessionStorage.getItem('mockserver-admin-token')") == TOKEN
        urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert urls and not [url for url in urls if TOKEN in url]  # the token never travels in a URL
        assert console_errors(browser) == []
