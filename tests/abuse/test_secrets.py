"""Abuse: credentials a client sends never reach the journal or an admin view, whatever their form."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.conftest import ClientFactory

SECRETS = [f"S3CRET{n}VALUE" for n in range(10)]


async def journal_text(client: TestClient) -> str:
    response = await client.get("/__admin/journal")
    assert response.status == 200, await response.text()
    return await response.text()


async def test_every_body_form_is_masked(client: TestClient) -> None:
    s = SECRETS
    await client.post("/nowhere", data=f"api_key={s[0]}&x=1&access_token%5B%5D={s[1]}",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    await client.post("/nowhere", data=f"token={s[2]}\nAuthorization: Bearer {s[3]}",
                      headers={"Content-Type": "text/plain"})
    await client.post("/nowhere", data=f'{{"api_secret": "{s[4]}", "broken": ', headers={"Content-Type": "application/json"})
    await client.post("/nowhere", json={"outer": [{"apiSecret": s[5], "accessToken": s[6]}]})
    text = await journal_text(client)
    assert not [secret for secret in s[:7] if secret in text], text


async def test_query_arrays_and_header_style_names_are_masked(client: TestClient) -> None:
    await client.get(f"/nowhere?access_token[]={SECRETS[0]}&access_token[]={SECRETS[1]}&apiKey={SECRETS[2]}",
                     headers={"X-Api-Secret": SECRETS[3], "X-Forwarded-Url": f"https://h/?token={SECRETS[4]}"})
    text = await journal_text(client)
    assert not [secret for secret in SECRETS[:5] if secret in text], text


async def test_the_scenarios_credentials_are_masked_wherever_they_appear(client: TestClient) -> None:
    """YOUR_API_KEY and OTHER_TEAM_API_KEY are keys of the default scenario."""
    await client.post("/nowhere/YOUR_API_KEY", data="my key is OTHER_TEAM_API_KEY, see?",
                      headers={"Content-Type": "text/plain", "X-Note": "sk_live_your_api_key"})
    text = await journal_text(client)
    for value in ("YOUR_API_KEY", "OTHER_TEAM_API_KEY", "sk_live_your_api_key"):
        assert value not in text


async def test_callback_urls_are_masked_in_the_journal_and_the_delivery_record(make_client: ClientFactory) -> None:
    client = await make_client(providers=("nyne",))
    url = f"http://user:{SECRETS[0]}@127.0.0.1:9/hook?token={SECRETS[1]}"
    response = await client.post("/person/interactions", json={"username": "janedoe", "type": "followers",
                                                               "callback_url": url},
                                 headers={"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"})
    assert response.status == 202, await response.text()
    views = await journal_text(client) + await (await client.get("/__admin/providers/nyne/callbacks")).text()
    assert SECRETS[0] not in views and SECRETS[1] not in views and "127.0.0.1:9/hook" in views
