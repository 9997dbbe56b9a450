# The example test shown in the README, run by the suite exactly as printed there.
import json
import urllib.request

WATCHLIST = "550e8400-e29b-41d4-a716-446655440000"


def get_interactions(base_url, api_key, **params):
    query = "&".join(f"{name}={value}" for name, value in {"watchlist_id": WATCHLIST, **params}.items())
    request = urllib.request.Request(f"{base_url}/api-interactions?{query}", headers={"x-api-key": api_key})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_my_dashboard_sees_new_likes(mock_server):
    api_key = mock_server.credentials["outx"]["api_key"]
    before = get_interactions(mock_server.base_url("outx"), api_key)["pagination"]["total"]

    mock_server.clock.advance("1d")  # a day of LinkedIn activity happens in no time

    after = get_interactions(mock_server.base_url("outx"), api_key)["pagination"]["total"]
    assert after > before
    mock_server.journal.verify(count=2, method="GET", path="/api-interactions")
