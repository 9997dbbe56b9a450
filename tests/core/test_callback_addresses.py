"""Callback targets are checked again after DNS resolution (no SSRF through a friendly name)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from mockserver.core import callbacks
from mockserver.core.callbacks import AllowList, CallbackRefused, GuardedResolver


@pytest.mark.parametrize("address, listed, allowed", [
    ("127.0.0.1", (), True), ("::1", (), True), ("8.8.8.8", (), True),
    ("169.254.169.254", (), False),  # cloud metadata (link-local)
    ("fe80::1", (), False), ("10.0.0.7", (), False), ("192.168.1.20", (), False), ("172.16.0.1", (), False),
    ("0.0.0.0", (), False), ("100.64.0.1", (), False), ("fd00::1", (), False),
    ("10.0.0.7", ("10.0.0.0/8",), True), ("192.168.1.20", ("192.168.1.20",), True),
    ("169.254.169.254", ("10.0.0.0/8",), False), ("not-an-ip", (), False),
])
def test_which_resolved_addresses_may_be_called(address: str, listed: tuple[str, ...], allowed: bool) -> None:
    assert AllowList(listed).allows_address(address) is allowed


def test_literal_addresses_at_submit() -> None:
    allow = AllowList(["10.0.0.0/8", "hooks.example.test"])
    assert allow.check("http://10.1.2.3:9000/hook")
    assert allow.check("https://hooks.example.test/x")
    for refused in ("http://169.254.169.254/latest/meta-data", "http://192.168.0.1/", "http://[fe80::1]/"):
        with pytest.raises(CallbackRefused, match="is not allowed"):
            allow.check(refused)


class FakeResolver:
    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers

    async def resolve(self, host: str, port: int = 0, family: Any = socket.AF_INET) -> list[dict[str, Any]]:
        return [{"hostname": host, "host": address, "port": port, "family": family, "proto": 0, "flags": 0}
                for address in self.answers[host]]

    async def close(self) -> None:
        pass


async def test_the_resolver_drops_refused_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"rebound.example.test": ["169.254.169.254"], "mixed.example.test": ["10.0.0.7", "93.184.216.34"]}
    monkeypatch.setattr(callbacks, "DefaultResolver", lambda: FakeResolver(answers))
    resolver = GuardedResolver(lambda: AllowList(["rebound.example.test", "mixed.example.test"]))
    with pytest.raises(OSError, match="resolves to 169.254.169.254: not an address the mock may call"):
        await resolver.resolve("rebound.example.test", 80)
    assert [r["host"] for r in await resolver.resolve("mixed.example.test", 80)] == ["93.184.216.34"]
    await resolver.close()


async def test_a_delivery_to_a_name_rebound_to_metadata_is_refused_and_recorded(
        monkeypatch: pytest.MonkeyPatch, make_client, tmp_path) -> None:
    import json

    from mockserver.paths import default_scenario_path

    monkeypatch.setattr(callbacks, "DefaultResolver", lambda: FakeResolver({"hooks.example.test": ["169.254.169.254"]}))
    scenario = json.loads(default_scenario_path().read_text())
    scenario["nyne"]["callback_hosts"] = ["hooks.example.test"]
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    client = await make_client(providers=("nyne",), scenario_path=path)
    auth = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
    submitted = await client.post("/person/interactions", headers=auth, json={
        "username": "janedoe", "type": "followers", "callback_url": "http://hooks.example.test/hook"})
    assert submitted.status == 202  # the name is allowed ...
    await client.post("/__admin/clock/advance", json={"by": "10s"})
    [delivery] = await (await client.get("/__admin/providers/nyne/callbacks")).json()
    error = delivery["attempts"][0]["error"]
    assert "169.254.169.254: not an address the mock may call" in error  # ... its address is not
