"""Unit tests of the Outfame engine, audience, timeline and cursors (no HTTP)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from mockserver.core.clock import DAY_MS
from mockserver.core.world import pools_for
from mockserver.paths import default_scenario_path
from mockserver.providers.outfame.audience import AUDIENCE_SIZE, audience_for
from mockserver.providers.outfame.cursor import CursorCodec, CursorError, Position
from mockserver.providers.outfame.engine import COMPLETED, DAY_CAP, plan_day, target_of
from mockserver.providers.outfame.world import OutfameWorld
from tests.providers.outfame.conftest import DOCS_ACCOUNT, DOCS_NOW_MS

TODAY = DOCS_NOW_MS // DAY_MS


def section() -> dict:
    return json.loads(default_scenario_path().read_text())["outfame"]


def world(seed: int = 1, spec: dict | None = None) -> OutfameWorld:
    return OutfameWorld(spec or section(), seed, DOCS_NOW_MS, pools_for(seed))


def test_every_audience_member_has_a_distinct_valid_username() -> None:
    audience = audience_for(1, pools_for(1))
    names = {audience.username(i) for i in range(AUDIENCE_SIZE)}
    assert len(names) == AUDIENCE_SIZE
    assert all(1 <= len(name) <= 30 for name in names)


def test_targets_are_a_bijection_of_the_attempt_number() -> None:
    account = world().directory.accounts[DOCS_ACCOUNT]
    window = range(5 * DAY_CAP, 5 * DAY_CAP + 4 * DAY_CAP)  # any four consecutive days
    assert len({target_of(account, g) for g in window}) == len(window)


@pytest.mark.parametrize("limits", [
    {"like": 150, "follow": 60, "comment": 20, "story_view": 200},
    {"like": 500, "follow": 200, "comment": 100, "story_view": 1000},
    {"like": 1, "follow": 0, "comment": 0, "story_view": 0},
    {"like": 0, "follow": 0, "comment": 0, "story_view": 0},
])
def test_limits_are_never_exceeded_and_times_and_seqs_increase(limits: dict[str, int]) -> None:
    spec = section()
    spec["workspaces"][0]["accounts"][0]["daily_limits"] = limits
    w = world(spec=spec)
    account = w.directory.accounts[DOCS_ACCOUNT]
    for day in range(TODAY - 20, TODAY):
        plan = w.plan(account, day)
        done = Counter(plan.kinds[p] for p in range(len(plan.times)) if plan.outcomes[p] == COMPLETED)
        assert all(done[k] <= limit for k, limit in enumerate(limits.values()))
        assert all(a < b for a, b in zip(plan.times, plan.times[1:]))
        assert all(a < b for a, b in zip(plan.seqs, plan.seqs[1:]))
        assert all(day * DAY_MS + 6 * 3_600_000 <= t < day * DAY_MS + 23 * 3_600_000 for t in plan.times)
    assert sum(limits.values()) or not plan.times


def test_a_pause_never_changes_the_past() -> None:
    w = world()
    account = w.directory.accounts[DOCS_ACCOUNT]
    before = w.plan(account, TODAY)
    w.pause(account, DOCS_NOW_MS, "test")
    after = w.plan(account, TODAY)
    kept = before.upto(DOCS_NOW_MS)
    assert after.times == before.times[:kept] and after.kinds == before.kinds[:kept]
    w.resume(account, DOCS_NOW_MS + 3_600_000)
    resumed = w.plan(account, TODAY)
    assert resumed.times[:kept] == before.times[:kept]
    assert resumed.seqs[kept] > before.seqs[before.upto(DOCS_NOW_MS + 15 * 60_000) - 1]  # cancelled seqs burnt


def test_plans_depend_on_the_seed_only_through_the_account_key() -> None:
    one, two = world(1), world(2)
    a1, a2 = one.directory.accounts[DOCS_ACCOUNT], two.directory.accounts[DOCS_ACCOUNT]
    assert one.plan(a1, TODAY).times != two.plan(a2, TODAY).times
    assert plan_day(a1, TODAY, [], []).times == []  # never active: nothing at all


def test_cursor_round_trip_and_refusals() -> None:
    codec = CursorCodec(1)
    position = Position(TODAY, 321, 2, DOCS_ACCOUNT)
    text = codec.encode(position)
    assert text.startswith("cur_") and codec.decode(text, DOCS_ACCOUNT) == position
    with pytest.raises(CursorError, match="another account"):
        codec.decode(text, "acc_other")
    with pytest.raises(CursorError):
        CursorCodec(2).decode(text, DOCS_ACCOUNT)
    for broken in ("", "cur_", "cur_===", text[:-1], text.replace("cur_", "cux_")):
        with pytest.raises(CursorError):
            codec.decode(broken, DOCS_ACCOUNT)


def test_default_targeting_is_derived_when_absent() -> None:
    account = world().directory.accounts["acc_P4us3dAcc1"]
    assert account.hashtags and account.competitors and account.locations
