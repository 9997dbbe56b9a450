"""LinkedIn-flavoured texts for OutX posts and comments, built once per seed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

from mockserver.core.world import Pools, stable_key

_COMMENT_TEMPLATES = (
    "Great insights, thanks for sharing!",
    "Couldn't agree more. {term} is where teams win or lose this year.",
    "Thanks {name}, this is exactly what we are seeing with our customers.",
    "How are you thinking about {term} for smaller teams?",
    "Congrats to the whole team! {phrase} is a big milestone.",
    "Saving this one. The point about {term} is spot on.",
    "Interesting take. We tried {term} last quarter and the results were mixed.",
    "This resonates. {phrase} sounds simple, but execution is everything.",
    "Would love to hear more about how you measured the impact.",
    "Well said, {name}. Sharing with my team.",
    "Curious whether this holds outside of enterprise accounts?",
    "100% this. {term} beats guesswork every time.",
)

_POST_TEMPLATES = (
    "Excited to announce {phrase}. Months of work from an amazing team went into this.",
    "Three lessons from a year of {term}:\n1. Start small\n2. Measure everything\n3. Talk to customers weekly",
    "We just published our report on {term}. The biggest surprise? {phrase}.",
    "Hiring! We're looking for people who want to {term}. DM me if that's you.",
    "Unpopular opinion: most teams don't need {phrase}. They need focus.",
    "Grateful to have spoken about {term} at this week's summit. Slides in the comments.",
    "{phrase}: here's how we cut onboarding time in half.",
    "What I learned after {years} years of trying to {term}.",
)

_TAGS = (
    "product-launch", "saas", "leadership", "hiring", "ai", "sales", "marketing",
    "growth", "startups", "engineering", "customer-success", "b2b", "events", "research",
)
_KEYWORDS = (
    "AI", "automation", "pipeline", "revenue", "onboarding", "analytics", "GTM",
    "retention", "LLM", "data", "security", "partnerships", "pricing", "community",
)
# Weighted towards the common kinds of LinkedIn post.
POST_TYPES = ("text", "text", "text", "image", "image", "video", "article", "document", "poll")
LANGUAGES = ("en", "en", "en", "en", "en", "en", "es", "fr", "de", "pt")


@dataclass(frozen=True)
class OutxContent:
    comments: tuple[str, ...]
    posts: tuple[str, ...]
    tags: tuple[str, ...] = _TAGS
    keywords: tuple[str, ...] = _KEYWORDS


@lru_cache(maxsize=8)
def build_content(pools: Pools, comments: int = 600, posts: int = 400) -> OutxContent:
    """Texts for one seed; memoised because they are immutable and apps are built often in tests."""
    fake = Faker("en_US")
    fake.seed_instance(stable_key(pools.seed, "outx", "content"))

    def fill(template: str) -> str:
        return template.format(
            term=fake.bs(),
            phrase=fake.catch_phrase(),
            name=fake.first_name(),
            years=fake.random_int(2, 15),
        )

    return OutxContent(
        comments=tuple(fill(_COMMENT_TEMPLATES[i % len(_COMMENT_TEMPLATES)]) for i in range(comments)),
        posts=tuple(fill(_POST_TEMPLATES[i % len(_POST_TEMPLATES)]) for i in range(posts)),
    )
