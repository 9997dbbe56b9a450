"""The social profiles of the shared pool people: one handle and one set of counts per platform.

Profiles depend only on (seed, platform, person), never on whose network they
appear in, so the same person looks the same in every result.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.world import Person, Pools, derive, slugify, stable_key, unit_float
from mockserver.providers.nyne.urls import INSTAGRAM, TWITTER, profile_url

_S_STYLE, _S_FOLLOWERS, _S_FOLLOWING, _S_VERIFIED = range(4)
_MAX_HANDLE = {TWITTER: 15, INSTAGRAM: 30}


class PeopleProfiles:
    """Lazily built, cached profile dicts of pool people for each platform."""

    def __init__(self, seed: int, pools: Pools) -> None:
        self.pools = pools
        self._keys = {platform: stable_key(seed, "nyne", "profile", platform) for platform in (TWITTER, INSTAGRAM)}
        self._cache: dict[tuple[str, int], dict[str, Any]] = {}
        self._by_handle: dict[str, dict[str, int]] = {}

    def __len__(self) -> int:
        return len(self.pools.people)

    def handle(self, platform: str, index: int) -> str:
        person = self.pools.people[index]
        style = derive(self._keys[platform], index, _S_STYLE) % 4
        first, last = _letters(person.first_name), _letters(person.last_name)
        stems = (f"{first}_{last}", f"{first}{last}", f"{first[:1]}{last}",
                 f"{first}.{last}" if platform == INSTAGRAM else f"{last}_{first[:1]}")
        suffix = str(index)  # the pool index keeps handles unique: the stem holds no digits
        return stems[style][: _MAX_HANDLE[platform] - len(suffix)].rstrip("._") + suffix

    def index_of_handle(self, platform: str, username: str) -> int | None:
        """The pool person who owns this handle, so a looked-up account keeps its public counts."""
        table = self._by_handle.get(platform)
        if table is None:
            table = {self.handle(platform, i).casefold(): i for i in range(len(self.pools.people))}
            self._by_handle[platform] = table
        return table.get(username.casefold())

    def profile(self, platform: str, index: int) -> dict[str, Any]:
        """The documented profile fields; callers copy before adding their own."""
        cached = self._cache.get((platform, index))
        if cached is None:
            cached = self._build(platform, index)
            self._cache[(platform, index)] = cached
        return cached

    def counts(self, platform: str, index: int) -> tuple[int, int]:
        profile = self.profile(platform, index)
        return profile["followers_count"], profile["following_count"]

    def _build(self, platform: str, index: int) -> dict[str, Any]:
        key = self._keys[platform]
        person: Person = self.pools.people[index]
        # Follower counts are heavy-tailed: most accounts are small, a few are large.
        followers = int(10 ** (1.2 + 4.0 * unit_float(derive(key, index, _S_FOLLOWERS))))
        following = 20 + derive(key, index, _S_FOLLOWING) % 2400
        handle = self.handle(platform, index)
        return {
            "username": handle,
            "display_name": person.full_name,
            "profile_url": profile_url(platform, handle),
            "bio": f"{person.headline}. Based in {person.city}.",
            "followers_count": followers,
            "following_count": following,
            "verified": followers >= 100_000 or derive(key, index, _S_VERIFIED) % 40 == 0,
        }


def _letters(name: str) -> str:
    return slugify(name).replace("-", "") or "user"
