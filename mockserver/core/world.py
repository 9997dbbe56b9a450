"""Seeded, deterministic building blocks for virtual worlds.

A provider's collections are never materialised: item *i* of a collection is
derived from (seed, collection key, i) with a counter-based hash, and composed
from pools of names, headlines and phrases that Faker fills once at start-up.
Only changes made through the API live in memory, in an `Overlay`.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Any, Sequence

from faker import Faker

MASK64 = (1 << 64) - 1


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
    """A version-4-shaped UUID that is a pure function of its inputs."""
    high = derive(key, index, salt)
    low = derive(key, index, salt + 1)
    return str(uuid.UUID(int=(high << 64) | low, version=4))


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
    """Faker-filled pools, built once per seed.

    Each pool seeds its own Faker instance from (seed, pool name), so adding a
    pool later never changes the content of the others.
    """

    def __init__(self, seed: int, people: int = 2000, companies: int = 300, phrases: int = 400) -> None:
        self.seed = seed
        self.people: tuple[Person, ...] = tuple(self._people(people))
        self.companies: tuple[Company, ...] = tuple(self._companies(companies))
        fake = self._faker("phrases")
        self.catch_phrases: tuple[str, ...] = tuple(fake.catch_phrase() for _ in range(phrases))
        self.business_terms: tuple[str, ...] = tuple(fake.bs() for _ in range(phrases))
        self.words: tuple[str, ...] = tuple(dict.fromkeys(fake.word() for _ in range(phrases)))

    def _faker(self, pool: str) -> Faker:
        fake = Faker("en_US")
        fake.seed_instance(stable_key(self.seed, "pool", pool))
        return fake

    def _people(self, count: int) -> list[Person]:
        fake = self._faker("people")
        people = []
        for index in range(count):
            first, last = fake.first_name(), fake.last_name()
            tag = format(derive(stable_key(self.seed, "person-slug"), index) & 0xFFFFFF, "06x")
            people.append(
                Person(
                    index=index,
                    first_name=first,
                    last_name=last,
                    full_name=f"{first} {last}",
                    slug=f"{slugify(first)}-{slugify(last)}-{tag}",
                    job_title=fake.job(),
                    company=fake.company(),
                    city=fake.city(),
                    bio=fake.catch_phrase(),
                )
            )
        return people

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


def pick(pool: Sequence[Any], value: int) -> Any:
    return pool[value % len(pool)]
