"""Choosing a store (flag, environment, scenario), `mockserver store inspect | flush`, and the clear refusals."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from mockserver.cli import main
from mockserver.paths import default_scenario_path
from mockserver.store.appkeys import STORE
from tests.conftest import DOCS_WATCHLIST, OUTX_KEY, ClientFactory
from tests.test_cli import free_port, start


async def test_the_scenario_names_the_store_when_no_flag_does(make_client: ClientFactory, redis_url: str,
                                                               tmp_path: Path) -> None:
    scenario = json.loads(default_scenario_path().read_text())
    scenario["store"] = {"url": redis_url}
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(scenario))
    assert (await make_client(scenario_path=path)).app[STORE].kind == "redis"
    assert (await make_client(scenario_path=path, store_url="memory")).app[STORE].kind == "memory"  # a flag wins


async def test_inspect_shows_every_key_and_flush_deletes_only_the_prefix(make_client: ClientFactory, redis_url: str,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    client = await make_client(store_url=redis_url, providers=("outx",))
    await client.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}", headers={"x-api-key": OUTX_KEY})
    assert (await client.post("/__admin/clock/advance", json={"by": "1s"})).status == 200
    neighbour = redis_url.split("?", 1)[0] + "?prefix=neighbour:"
    await client.app[STORE].redis.set("neighbour:kept", "1")  # another store's key on the same server

    assert await asyncio.to_thread(main, ["store", "inspect", "--store", redis_url, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    prefix = found["prefix"]
    assert found["keys"][prefix + "seq"] == 1 and found["keys"][prefix + "journal"] == 1
    assert found["keys"][prefix + "journal:answer:<writer>:<n>"] == "1 key(s)"
    assert set(found["keys"]) == set(found["layout"])  # every key shown is described
    assert await asyncio.to_thread(main, ["store", "inspect", "--store", redis_url]) == 0
    text = capsys.readouterr().out
    assert f"{prefix}journal " in text and "(stream: the request journal" in text

    assert await asyncio.to_thread(main, ["store", "flush", "--store", redis_url]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert await asyncio.to_thread(main, ["store", "flush", "--store", redis_url, "--yes"]) == 0
    assert capsys.readouterr().out.startswith("deleted ")
    assert await asyncio.to_thread(main, ["store", "inspect", "--store", redis_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["keys"][prefix + "seq"] == 0
    assert await client.app[STORE].redis.get("neighbour:kept") == b"1"
    assert await asyncio.to_thread(main, ["store", "flush", "--store", neighbour, "--yes"]) == 0


@pytest.mark.parametrize("argv, message", [
    (["store", "inspect"], "name a shared store: --store redis://host:port/db"),
    (["store", "inspect", "--store", "memory"], "name a shared store"),
    (["store", "inspect", "--store", "http://localhost"], "not 'http://localhost'"),
    (["store", "inspect", "--store", "redis://127.0.0.1:6379/0?prefix="], "prefix may not be empty"),
])
def test_store_commands_refuse_what_they_cannot_use(argv: list[str], message: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    try:
        status = main(argv)
    except SystemExit as stopped:  # refused by the option's parser (with the usage line first)
        status = stopped.code
    assert status == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_unreachable_store_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    assert main(["store", "inspect", "--store", url]) == 2
    assert capsys.readouterr().err.startswith(f"mockserver: error: cannot reach the Redis store at {url}:")
    process = start("--port", str(free_port()), "--store", url)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "Traceback" not in err and err.count("\n") == 1
    assert err.startswith(f"mockserver: error: cannot reach the Redis store at {url}:")


def test_a_state_file_with_a_redis_store_is_refused(redis_url: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", "--store", redis_url, "--state", str(tmp_path / "state.json")]) == 2
    assert "with a Redis store, Redis is the durable" in capsys.readouterr().err


def test_the_scaling_guide_shows_the_key_layout_the_code_has() -> None:
    from mockserver.store.redis_keys import KeyLayout, describe_layout
    from tests.examples.markdown import ROOT

    guide = (ROOT / "docs" / "scaling.md").read_text()
    rows = [line for line in guide.splitlines() if line.startswith("| `mockserver:")]
    assert rows == [f"| `{key}` | {what} |" for key, what in describe_layout(KeyLayout())]


def test_a_password_in_the_store_url_is_never_shown(redis_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    import signal
    import urllib.request

    import redis

    from tests.test_cli import wait_for_banner

    admin = redis.Redis.from_url(redis_server)
    admin.execute_command("ACL", "SETUSER", "mock", "on", ">s3cret-pw", "~*", "&*", "+@all")  # adds a user only
    admin.close()
    url = redis_server.replace("redis://", "redis://mock:s3cret-pw@") + "?prefix=pw:"
    port = free_port()
    process = start("--port", str(port), "--store", url, "--providers", "outx")
    try:
        banner = wait_for_banner(process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__admin/health", timeout=10) as answer:
            health = json.load(answer)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert "mock:***@127.0.0.1" in banner and health["store"]["url"].startswith("redis://mock:***@127.0.0.1:")
    assert main(["store", "inspect", "--store", url]) == 0
    unreachable = f"redis://mock:s3cret-pw@127.0.0.1:{free_port()}/0"
    assert main(["store", "inspect", "--store", unreachable]) == 2
    shown = capsys.readouterr()
    assert "mock:***@" in shown.out and "mock:***@" in shown.err
    assert "s3cret-pw" not in banner + out + err + json.dumps(health) + shown.out + shown.err
    assert main(["store", "flush", "--store", url, "--yes"]) == 0
