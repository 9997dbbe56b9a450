"""Seeded, deterministic building blocks for virtual worlds.

A provider's collections are never materialised: item *i* of a collection is
derived from (seed, collection key, i) with a counter-based hash, and composed
from pools of names, headlines and phrases that Faker fills once at start-up.
Only changes made through the API live in memory, in an `Overlay`.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Hashable, Sequence, TypeVar

from faker import Faker

from mockserver.core.errors import StateProblem

MASK64 = (1 << 64) - 1
T = TypeVar("T")


def splitmix64(x: int) -> int:
    """One step of SplitMix64: a cheap, well-mixed 64-bit integer hash."""
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def stable_key(*parts: object) -> int:
    """A 64-bit key for a named thing, equal across processes and machines.

    Python's own `hash()` is salted per process, so it must never feed the world.
    """
    text = "\x1f".join(str(part) for part in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def derive(key: int, index: int, salt: int = 0) -> int:
    """The 64-bit random value number `salt` of item `index` in collection `key`."""
    return splitmix64(key ^ splitmix64(((index << 6) | salt) & MASK64))


def unit_float(value: int) -> float:
    """Map a 64-bit hash to [0, 1)."""
    return (value >> 11) * (1.0 / (1 << 53))


def derived_uuid(key: int, index: int, salt: int = 0) -> str:
    """A version-4-shaped UUID that is a pure function of its inputs.

    Formatted by hand: building `uuid.UUID` objects was a visible share of a
    request's time.
    """
    high = (derive(key, index, salt) & ~0xF000) | 0x4000  # version 4
    low = (derive(key, index, salt + 1) & ~(0xC << 60)) | (0x8 << 60)  # RFC 4122 variant
    h = f"{high:016x}{low:016x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True, slots=True)
class Person:
    """A fictional human shared by every provider that needs people."""

    index: int
    first_name: str
    last_name: str
    full_name: str
    slug: str
    job_title: str
    company: str
    city: str
    bio: str

    @property
    def headline(self) -> str:
        return f"{self.job_title} at {self.company}"


@dataclass(frozen=True, slots=True)
class Company:
    index: int
    name: str
    slug: str
    tagline: str
    industry_term: str


class Pools:
    """Faker-filled pools, built once per seed (see `pools_for`).

    Faker fills small component pools (first names, surnames, jobs, ...);
    people are combinations of them chosen by hash, which is much faster than
    asking Faker for every person and makes employers real pool companies.
    Each pool seeds its own Faker instance from (seed, pool name), so adding a
    pool later never changes the content of the others.
    """

    def __init__(self, seed: int, people: int = 2000, companies: int = 300) -> None:
        self.seed = seed
        self.companies: tuple[Company, ...] = tuple(self._companies(companies))
        fake = self._faker("person-parts")
        self.first_names = _distinct(fake.first_name, 300)
        self.last_names = _distinct(fake.last_name, 300)
        self.jobs = _distinct(fake.job, 200)
        self.cities = _distinct(fake.city, 150)
        self.people: tuple[Person, ...] = tuple(self._person(index) for index in range(people))

    def _faker(self, pool: str) -> Faker:
        fake = Faker("en_US")
        fake.seed_instance(stable_key(self.seed, "pool", pool))
        return fake

    def _person(self, index: int) -> Person:
        key = stable_key(self.seed, "person")
        first = pick(self.first_names, derive(key, index, 0))
        last = pick(self.last_names, derive(key, index, 1))
        tag = format(derive(key, index, 2) & 0xFFFFFF, "06x")
        return Person(
            index=index,
            first_name=first,
            last_name=last,
            full_name=f"{first} {last}",
            slug=f"{slugify(first)}-{slugify(last)}-{tag}",
            job_title=pick(self.jobs, derive(key, index, 3)),
            company=pick(self.companies, derive(key, index, 4)).name,
            city=pick(self.cities, derive(key, index, 5)),
            bio=pick(self.companies, derive(key, index, 6)).tagline,
        )

    def _companies(self, count: int) -> list[Company]:
        fake = self._faker("companies")
        companies, seen = [], set()
        while len(companies) < count:
            name = fake.company()
            slug = slugify(name)
            if slug in seen:
                continue
            seen.add(slug)
            companies.append(
                Company(index=len(companies), name=name, slug=slug, tagline=fake.catch_phrase(), industry_term=fake.bs())
            )
        return companies


@lru_cache(maxsize=8)
def pools_for(seed: int) -> Pools:
    """Pools are immutable, so apps built with the same seed share one set."""
    return Pools(seed)


def _distinct(make: Callable[[], str], count: int) -> tuple[str, ...]:
    values: dict[str, None] = {}
    for _ in range(count * 20):
        values.setdefault(make())
        if len(values) == count:
            break
    return tuple(values)


def pick(pool: Sequence[Any], value: int) -> Any:
    return pool[value % len(pool)]


class DerivedParts:
    """The parts of the worlds that depend only on what they are cached by.

    Two sets: what depends only on the seed and the scenario, shared by every
    build from them (a reset, a move of the anchor, a snapshot import), and
    what depends on the anchor too (rendered items), shared by the builds at
    the same anchor (a reset with a frozen start). Neither may hold anything
    the overlay or the clock decides. A part must never change once built; a
    memo of a pure function of it is fine.
    """

    def __init__(self) -> None:
        self._parts: dict[Hashable, Any] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        try:
            return self._parts[key]
        except KeyError:
            part = self._parts[key] = build()
            return part


class DerivedCache:
    """The DerivedParts of the last few keys ((seed, scenario) or (seed, scenario, anchor)) a server used."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Hashable, ...], DerivedParts] = OrderedDict()

    def parts(self, *key: Hashable) -> DerivedParts:
        found = self._entries.get(key)
        if found is None:
            found = self._entries[key] = DerivedParts()
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        self._entries.move_to_end(key)
        return found


class Flags:
    """Named switches of a world: scenario values plus run-time overrides.

    The overrides are the overlay: they are what the admin API changed, what a
    snapshot exports, and what a reset forgets.
    """

    def __init__(self, defaults: dict[str, bool]) -> None:
        self._defaults = dict(defaults)
        self._overrides: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        return self._overrides.get(name, self._defaults[name])

    def set(self, name: str, value: object) -> None:
        if name not in self._defaults:
            raise KeyError(name)
        if not isinstance(value, bool):
            raise TypeError(f"flag {name} takes true or false")
        if value == self._defaults[name]:
            self._overrides.pop(name, None)
        else:
            self._overrides[name] = value

    def effective(self) -> dict[str, bool]:
        return {name: self[name] for name in self._defaults}

    def overrides(self) -> dict[str, bool]:
        return dict(self._overrides)

    def restore(self, overrides: dict[str, object]) -> None:
        """Replace the overrides (from a snapshot); `StateProblem` names an unknown flag or a non-boolean."""
        for name, value in overrides.items():
            if name not in self._defaults:
                raise StateProblem(f".{name}", "no such flag in the scenario")
            if not isinstance(value, bool):
                raise StateProblem(f".{name}", "a flag takes true or false")
        self._overrides.clear()
        for name, value in overrides.items():
            self.set(name, value)
