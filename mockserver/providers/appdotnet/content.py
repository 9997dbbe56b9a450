"""Texts for App.net posts, bios and channels, filled by Faker once per seed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

from mockserver.core.world import Pools, stable_key

# Apps that wrote posts: (name, link). Client ids are derived per seed.
_CLIENTS = (
    ("Alpha", "https://alpha.app.net"),
    ("Netbot for iOS", "http://tapbots.com/software/netbot"),
    ("Felix", "http://tigerbears.com/felix"),
    ("Riposte", "http://riposteapp.net"),
    ("Kiwi", "http://kiwi-app.net"),
    ("hAppy", "http://happy.bobtiki.com"),
    ("Dash", "https://play.google.com/store/apps/details?id=com.appdotnet.dash"),
)
TIMEZONES = ("America/Los_Angeles", "America/New_York", "America/Chicago", "Europe/London", "Europe/Berlin",
             "Europe/Paris", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kolkata")
LOCALES = ("en_US", "en_US", "en_US", "en_GB", "de_DE", "fr_FR", "ja_JP", "pt_BR", "es_ES")


@dataclass(frozen=True)
class Client:
    name: str
    link: str
    client_id: str


@dataclass(frozen=True)
class AdnContent:
    sentences: tuple[str, ...]
    hashtags: tuple[str, ...]
    urls: tuple[str, ...]
    channel_titles: tuple[str, ...]
    clients: tuple[Client, ...]
    domains: tuple[str, ...]


def _client_id(fake: Faker) -> str:
    return fake.lexify("?" * 32, letters="abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")


@lru_cache(maxsize=8)
def build_content(pools: Pools) -> AdnContent:
    """Immutable per seed, so memoised: tests build many apps with the same seed."""
    fake = Faker("en_US")
    fake.seed_instance(stable_key(pools.seed, "appdotnet", "content"))
    sentences = tuple(fake.sentence(nb_words=fake.random_int(5, 16)) for _ in range(500))
    hashtags = tuple(dict.fromkeys(fake.word().lower() for _ in range(200)))
    domains = tuple(dict.fromkeys(fake.domain_name() for _ in range(80)))
    urls = tuple(f"https://{fake.random_element(domains)}/{fake.uri_path(deep=2)}" for _ in range(150))
    titles = tuple(fake.catch_phrase() for _ in range(100))
    clients = tuple(Client(name, link, _client_id(fake)) for name, link in _CLIENTS)
    return AdnContent(sentences, hashtags, urls, titles, clients, domains)
