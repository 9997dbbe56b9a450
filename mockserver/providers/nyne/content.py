"""Reply texts for Nyne reply lookups, built once per seed from Faker."""

from __future__ import annotations

from functools import lru_cache

from faker import Faker

from mockserver.core.world import Pools, stable_key

_REPLY_TEMPLATES = (
    "This is the clearest take on {term} I've read all week.",
    "Hard disagree. {phrase} only works if you already have distribution.",
    "@{handle} you need to see this",
    "Saving this thread. The bit about {term} is gold.",
    "We tried exactly this last quarter and it worked. {phrase} for the win.",
    "Source? Genuinely curious how you measured it.",
    "Congrats {name}! Well deserved.",
    "Counterpoint: {term} is overrated for small teams.",
    "Following for the follow-up on {term}.",
    "100%. {phrase} is underrated.",
    "Great thread, {name}. What tools are you using for this?",
    "lol this is too real",
)


@lru_cache(maxsize=8)
def reply_texts(pools: Pools, count: int = 500) -> tuple[str, ...]:
    """Texts for one seed; memoised because they never change and apps are built often in tests."""
    fake = Faker("en_US")
    fake.seed_instance(stable_key(pools.seed, "nyne", "replies"))
    return tuple(
        _REPLY_TEMPLATES[i % len(_REPLY_TEMPLATES)].format(
            term=fake.bs(), phrase=fake.catch_phrase(), name=fake.first_name(),
            handle=fake.user_name()[:15],
        )
        for i in range(count)
    )
