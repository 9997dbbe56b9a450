"""App.net fixtures: a strict, frozen-clock app with the App.net provider mounted."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import ClientFactory


@pytest.fixture
async def adn(make_client: ClientFactory) -> TestClient:
    return await make_client(providers=("outx", "appdotnet"))
