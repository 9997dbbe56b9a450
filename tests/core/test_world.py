from __future__ import annotations

import subprocess
import sys
import uuid

from mockserver.core.world import (
    DerivedCache, DerivedParts, Pools, derive, derived_uuid, pools_for, slugify, splitmix64, stable_key, unit_float,
)


def test_splitmix64_known_values() -> None:
    # Reference outputs of SplitMix64 seeded with 0 (first two draws).
    assert splitmix64(0) == 0xE220A8397B1DCDAF
    assert splitmix64(0x9E3779B97F4A7C15) == 0x6E789E6AA1B965F4


def test_stable_key_is_the_same_in_another_process() -> None:
    here = stable_key(7, "outx", "watchlist", "abc")
    code = "from mockserver.core.world import stable_key; print(stable_key(7, 'outx', 'watchlist', 'abc'))"
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "123"}).stdout
    assert int(there) == here


def test_derived_values_are_pure_and_spread() -> None:
    key = stable_key("k")
    assert derive(key, 5, 1) == derive(key, 5, 1)
    draws = {derive(key, i, 0) for i in range(10_000)}
    assert len(draws) == 10_000
    floats = [unit_float(derive(key, i)) for i in range(10_000)]
    assert 0 <= min(floats) and max(floats) < 1
    assert 0.45 < sum(floats) / len(floats) < 0.55


def test_derived_uuid_is_a_version_4_uuid() -> None:
    key = stable_key("k")
    for index in range(200):  # the hand-made formatting equals the uuid module's
        raw = (derive(key, index, 0) << 64) | derive(key, index, 1)
        assert derived_uuid(key, index) == str(uuid.UUID(int=raw, version=4))
    value = uuid.UUID(derived_uuid(stable_key("k"), 3))
    assert value.version == 4
    assert derived_uuid(stable_key("k"), 3) == str(value)
    assert derived_uuid(stable_key("k"), 4) != str(value)


def test_pools_are_deterministic_per_seed_and_differ_between_seeds() -> None:
    a, b, c = Pools(11, people=50, companies=20), Pools(11, people=50, companies=20), Pools(12, people=50, companies=20)
    assert a.people == b.people and a.companies == b.companies
    assert a.people != c.people
    assert len({company.slug for company in a.companies}) == 20
    assert all(person.company in {company.name for company in a.companies} for person in a.people)


def test_pools_are_shared_per_seed() -> None:
    assert pools_for(3) is pools_for(3)


def test_slugify() -> None:
    assert slugify("Smith, Jones and Co.") == "smith-jones-and-co"


def test_derived_parts_are_built_once_and_the_cache_is_bounded() -> None:
    built: list[str] = []
    parts = DerivedParts()
    assert parts.get("a", lambda: built.append("a") or 1) == 1
    assert parts.get("a", lambda: built.append("again") or 2) == 1
    assert built == ["a"]
    cache = DerivedCache(size=2)
    first = cache.parts(1, "scenario")
    assert cache.parts(1, "scenario") is first and cache.parts(2, "scenario") is not first
    cache.parts(1, "scenario")  # recently used: kept when a third pair arrives
    cache.parts(3, "scenario")
    assert cache.parts(1, "scenario") is first
    cache.parts(2, "other")
    cache.parts(3, "other")
    assert cache.parts(1, "scenario") is not first
