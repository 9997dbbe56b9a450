"""The objects inside interactions: types per action, coherence across the stream, coalescing."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from mockserver.core.clock import DAY_MS
from mockserver.store.appkeys import CLOCK
from tests.conftest import ClientFactory
from tests.providers.appdotnet.helpers import ME_ID, OTHER_TOKEN, get, scenario_file, small_user, walk

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
FLAGS = {"follows_you", "you_blocked", "you_follow", "you_muted", "you_can_subscribe", "you_can_follow"}


def seconds(date: str) -> float:
    return datetime.fromisoformat(date.replace("Z", "+00:00")).timestamp()


def identity(user: dict[str, Any]) -> dict[str, Any]:
    """A user without the viewer-relative flags and the counts that move with time."""
    return {k: v for k, v in user.items() if k not in FLAGS}


async def test_objects_match_the_action(adn: TestClient) -> None:
    for item in await walk(adn):
        action, objects = item["action"], item["objects"]
        assert DATE.match(item["event_date"]) and item["users"]
        if action == "welcome":
            assert objects == [] and [u["id"] for u in item["users"]] == [ME_ID]
            continue
        assert len(objects) == 1
        obj = objects[0]
        if action == "follow":
            assert obj["id"] == ME_ID and "username" in obj
            assert all(user["follows_you"] for user in item["users"])
        elif action in ("star", "repost", "reply"):
            assert obj["user"]["id"] == ME_ID and "text" in obj and obj["thread_id"] == obj["id"]
        else:
            assert obj["type"] == "net.app.core.broadcast" and "readers" in obj
            owner = obj["owner"]["id"]
            if action == "broadcast_create":
                assert owner == item["users"][0]["id"] and len(item["users"]) == 1
                assert obj["editors"]["you"] is False and "subscribers" not in obj["counts"]
            else:
                assert owner == ME_ID and obj["editors"]["you"] is True and "subscribers" in obj["counts"]
        assert ME_ID not in {u["id"] for u in item["users"]}


async def test_the_same_id_is_the_same_person_everywhere(adn: TestClient) -> None:
    seen: dict[str, dict[str, Any]] = {}
    flags: dict[str, dict[str, Any]] = {}

    def visit(user: dict[str, Any]) -> None:
        assert seen.setdefault(user["id"], identity(user)) == identity(user)
        if "follows_you" in user:
            relation = {k: user[k] for k in FLAGS}
            assert flags.setdefault(user["id"], relation) == relation
    for item in await walk(adn, {"include_annotations": "1", "include_starred_by": "1",
                                 "include_reposters": "1"}):
        for user in item["users"]:
            visit(user)
        for obj in item["objects"]:
            for user in [obj] if item["action"] == "follow" else [obj.get("user"), obj.get("owner")]:
                if user:
                    visit(user)
            for user in obj.get("starred_by", []) + obj.get("reposters", []):
                visit(user)
    assert len(seen) > 50
    usernames = [user["username"] for user in seen.values()]
    assert len(set(usernames)) == len(usernames)
    # The other token's user meets some of the same people: same person, their own relation flags.
    theirs = await walk(adn, {"include_annotations": "1"}, {"Authorization": f"Bearer {OTHER_TOKEN}"})
    shared = [u for i in theirs for u in i["users"] if u["id"] in seen]
    assert shared and all(identity(u) == seen[u["id"]] for u in shared)


async def test_coalesced_interactions(adn: TestClient) -> None:
    items = await walk(adn)
    assert any(len(item["users"]) >= 3 for item in items if item["action"] == "star")
    assert all(len({u["id"] for u in item["users"]}) == len(item["users"]) for item in items)
    window_s = 360 * 60
    last: dict[tuple[str, str], float] = {}
    for item in reversed(items):
        if item["action"] == "welcome":
            continue
        key = (item["action"], item["objects"][0]["id"])
        when = seconds(item["event_date"])
        if key in last:
            assert when - last[key] > window_s, key
        last[key] = when


async def test_the_window_is_configurable(make_client: ClientFactory, tmp_path: Path) -> None:
    def repeats_within(items: list[dict[str, Any]], window_s: int) -> int:
        last: dict[tuple[str, str], float] = {}
        close = 0
        for item in reversed(items):
            if item["objects"]:
                key = (item["action"], item["objects"][0]["id"])
                when = seconds(item["event_date"])
                close += key in last and when - last[key] <= window_s
                last[key] = when
        return close
    results = {}
    for minutes in (5, 1440):
        section = {"coalesce_window_minutes": minutes,
                   "users": [small_user(400, history_days=2, live=False)]}
        client = await make_client(providers=("appdotnet",), scenario_path=scenario_file(tmp_path, section))
        results[minutes] = await walk(client, headers={"Authorization": "Bearer TINY_TOKEN"})
        assert repeats_within(results[minutes], minutes * 60) == 0
    # With a five-minute window the same post gets starred again within a day; with a day's window it cannot.
    assert repeats_within(results[5], 1440 * 60) > 0


async def test_post_counts_agree_with_the_stream(adn: TestClient) -> None:
    items = await walk(adn, {"include_starred_by": "1", "include_reposters": "1"})
    stars: dict[str, set[str]] = {}
    reposts: dict[str, set[str]] = {}
    posts: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["action"] in ("star", "repost"):
            post = item["objects"][0]
            posts[post["id"]] = post
            (stars if item["action"] == "star" else reposts).setdefault(post["id"], set()).update(
                u["id"] for u in item["users"])
    for post_id, post in posts.items():
        assert post["num_stars"] == len(stars.get(post_id, ())) == len(post["starred_by"])
        assert {u["id"] for u in post["starred_by"]} == stars.get(post_id, set())
        assert post["num_reposts"] == len(reposts.get(post_id, ())) == len(post["reposters"])


async def test_entities_point_into_the_text(adn: TestClient) -> None:
    checked = 0
    for item in await walk(adn):
        for obj in item["objects"]:
            for rich in ([obj] if "entities" in obj else []) + [obj.get("description") or {}]:
                if not rich:
                    continue
                text, entities = rich["text"], rich["entities"]
                for tag in entities["hashtags"]:
                    assert text[tag["pos"]:tag["pos"] + tag["len"]] == "#" + tag["name"]
                for mention in entities["mentions"]:
                    assert text[mention["pos"]:mention["pos"] + mention["len"]] == "@" + mention["name"]
                    assert mention["is_leading"] == (mention["pos"] == 0)
                for link in entities["links"]:
                    assert text[link["pos"]:link["pos"] + link["len"]] == link["text"]
                    assert f'href="{link["url"]}"' in rich["html"]
                checked += len(entities["hashtags"]) + len(entities["mentions"]) + len(entities["links"])
    assert checked > 50


async def test_include_flags_shape_the_objects(adn: TestClient) -> None:
    plain = (await get(adn, {"count": "50"}))["data"]
    def posts(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [o for i in data for o in i["objects"] if i["action"] in ("star", "repost", "reply")]
    assert all("html" in p and "annotations" not in p and "starred_by" not in p for p in posts(plain))
    assert all("annotations" not in u for i in plain for u in i["users"])
    bare = (await get(adn, {"count": "50", "include_html": "0"}))["data"]
    assert all("html" not in p and "html" not in p["user"]["description"] for p in posts(bare))
    rich = (await get(adn, {"count": "50", "include_annotations": "1"}))["data"]
    assert all("annotations" in p and "annotations" in p["user"] for p in posts(rich))
    assert all("annotations" in u for i in rich for u in i["users"])
    users_only = (await get(adn, {"count": "50", "include_user_annotations": "true"}))["data"]
    assert all("annotations" not in p and "annotations" in p["user"] for p in posts(users_only))
    starred = (await get(adn, {"count": "50", "include_starred_by": "1", "include_reposters": "1"}))["data"]
    assert all("starred_by" in p and "reposters" in p for p in posts(starred))


async def test_my_counts_follow_the_clock(adn: TestClient) -> None:
    def me(body: dict[str, Any]) -> dict[str, Any]:
        return next(i["objects"][0] for i in body["data"] if i["action"] == "follow")
    before = me(await get(adn, {"interaction_actions": "follow"}))
    adn.app[CLOCK].advance(DAY_MS)
    after = me(await get(adn, {"interaction_actions": "follow"}))
    assert after["counts"]["posts"] > before["counts"]["posts"]
    assert {k: v for k, v in after.items() if k != "counts"} == {k: v for k, v in before.items() if k != "counts"}
    assert after["counts"]["followers"] >= len({u["id"] for i in await walk(adn, {"interaction_actions": "follow"})
                                                for u in i["users"]})
    assert not FLAGS & set(after)  # your own user object carries no you_* flags
