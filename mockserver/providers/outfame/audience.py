"""The Instagram users Outfame engages with: one audience per seed, shared by every account.

User number i (0 <= i < AUDIENCE_SIZE) always has the same username and the
same posts, so the same person looks the same in every account's log. The
username is an injective function of i (a mixed-radix split of i into first
name, niche word, style and a numeric tail), so distinct numbers are always
distinct people; the 72-hour rule relies on that.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mockserver.core.world import Pools, derive, stable_key

AUDIENCE_SIZE = 1 << 20  # large enough that a target comes back only every 256 days

# Single words, no underscores or digits, none of them a first name: together
# with the fixed separators of _STYLES this keeps usernames unambiguous.
NICHES = (
    "fitness", "gym", "yoga", "travel", "foodie", "vegan", "style", "beauty", "photo", "coffee",
    "hiking", "surf", "running", "pilates", "wellness", "mindful", "plantbased", "fashion",
    "design", "art", "music", "dance", "baking", "garden",
)
_STYLES = ("{niche}_{first}", "{first}_{niche}", "{first}.{niche}", "{niche}_with_{first}", "{first}_{niche}_daily")
_SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_S_POST, _S_STORY = 1, 2
POSTS_PER_USER = 12


class Audience:
    """Usernames, post shortcodes and story ids, each a pure function of the user number."""

    def __init__(self, seed: int, pools: Pools) -> None:
        self.key = stable_key(seed, "outfame", "audience")
        names: dict[str, None] = {}
        for name in pools.first_names:
            cleaned = re.sub(r"[^a-z]", "", name.lower())
            # At most 10 letters keeps every username within Instagram's 30 characters.
            if cleaned and len(cleaned) <= 10 and cleaned not in NICHES and cleaned not in ("with", "daily"):
                names.setdefault(cleaned)
        self.first_names: tuple[str, ...] = tuple(names)

    def username(self, user: int) -> str:
        rest, first = divmod(user, len(self.first_names))
        rest, niche = divmod(rest, len(NICHES))
        tail, style = divmod(rest, len(_STYLES))
        name = _STYLES[style].format(niche=NICHES[niche], first=self.first_names[first])
        return f"{name}{tail + 1}" if tail else name

    def post_id(self, user: int, which: int) -> str:
        """One of the user's recent posts, as an Instagram-style shortcode."""
        value = derive(self.key, user * POSTS_PER_USER + which % POSTS_PER_USER, _S_POST)
        chars = []
        for _ in range(10):
            value, digit = divmod(value, len(_SHORTCODE_ALPHABET))
            chars.append(_SHORTCODE_ALPHABET[digit])
        chars[0] = chars[0].upper() if chars[0].isalpha() else "C"
        return "".join(chars)

    def story_id(self, user: int, day: int) -> str:
        """The story a user had up on a given day: a numeric id, as Instagram's are."""
        return str(3_000_000_000_000_000_000 + derive(self.key, user * 4096 + day % 4096, _S_STORY) % 10**18)


@lru_cache(maxsize=8)
def audience_for(seed: int, pools: Pools) -> Audience:
    return Audience(seed, pools)
