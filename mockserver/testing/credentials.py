"""The default credentials of each provider, as a test holds them: mappings with typed attributes.

Every provider's entry has `headers`, ready to send, plus its named values:
`mock_server.credentials.outx.headers`, `mock_server.credentials.nyne.api_secret`,
or as plain mappings, `mock_server.credentials["outx"]["api_key"]`.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, TypeVar

V = TypeVar("V")


class _AttributeMapping(Mapping[str, V]):
    """A read-only mapping whose keys read as attributes too; a missing one names those there are."""

    def __init__(self, values: Mapping[str, V]) -> None:
        self._values = dict(values)

    def _missing(self, name: str) -> str:
        raise NotImplementedError

    def __getattr__(self, name: str) -> V:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(self._missing(name)) from None

    def __getitem__(self, name: str) -> V:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._values!r})"


class ProviderCredentials(_AttributeMapping[Any]):
    """One provider's entry: `headers` plus named values, readable as attributes or keys."""

    def __init__(self, provider: str, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self._provider = provider

    @property
    def headers(self) -> dict[str, str]:
        """The headers that authenticate a request to this provider, ready to send."""
        return dict(self._values.get("headers", {}))

    def _missing(self, name: str) -> str:
        return f"{self._provider} credentials have no {name!r}; they have {', '.join(self._values)}"


class OutxCredentials(ProviderCredentials):
    api_key: str
    team_id: str
    watchlist_id: str | None  # the team's first watchlist (the docs' one in the default scenario)
    foreign_watchlist_id: str | None  # a watchlist of another team: 403


class AppdotnetCredentials(ProviderCredentials):
    access_token: str  # also accepted as ?access_token=
    user_id: str


class NyneCredentials(ProviderCredentials):
    api_key: str  # also accepted as ?api_key= with ?api_secret=
    api_secret: str
    credential_id: str
    limited: dict[str, Any]  # when the scenario has one: a pair with max_concurrent_jobs (its jobs reach pending)


class OutfameCredentials(ProviderCredentials):
    api_key: str  # a key with the engagement:manage scope
    workspace_id: str
    account_id: str | None  # the workspace's first account


ENTRY_TYPES: dict[str, type[ProviderCredentials]] = {
    "outx": OutxCredentials, "appdotnet": AppdotnetCredentials, "nyne": NyneCredentials,
    "outfame": OutfameCredentials,
}


class Credentials(_AttributeMapping[ProviderCredentials]):
    """Every served provider's entry, by provider name: `credentials.outx` or `credentials["outx"]`."""

    outx: OutxCredentials
    appdotnet: AppdotnetCredentials
    nyne: NyneCredentials
    outfame: OutfameCredentials

    def __init__(self, by_provider: Mapping[str, Mapping[str, Any]]) -> None:
        super().__init__({name: ENTRY_TYPES.get(name, ProviderCredentials)(name, values)
                          for name, values in by_provider.items()})

    def _missing(self, name: str) -> str:
        return f"{name} is not served here; serving {', '.join(self._values)}"
