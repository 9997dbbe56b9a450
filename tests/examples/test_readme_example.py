# The example test shown in the README, run by the suite exactly as printed there.
import json
import urllib.request

WATCHLIST = "550e8400-e29b-41d4-a716-446655440000"


def get_interactions(mock_server, **params):
    query = "&".join(f"{name}={value}" for name, value in {"watchlist_id": WATCHLIST, **params}.items())
    request = urllib.request.Request(f"{mock_server.base_url('outx')}/api-interactions?{query}",
                                     headers=mock_server.credentials.outx.headers)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_my_dashboard_sees_new_likes(mock_server):
    before = get_interactions(mock_server)["pagination"]["total"]

    mock_server.clock.advance("1d")  # a day of LinkedIn activity happens in no time

    after = get_interactions(mock_server)["pagination"]["total"]
    assert after > before
    mock_server.journal.verify(count=2, method="GET", path="/api-interactions")


def test_the_day_the_docs_show(mock_server):
    # Before the anchor: the anchor moves along, and the documented history ends at this instant.
    answer = mock_server.clock.freeze("2024-01-16T10:40:00Z")
    assert answer["anchor"] == "2024-01-16T10:40:00.000Z"

    page = get_interactions(mock_server, page_size=1)
    assert page["pagination"]["total"] == 5000
    assert page["graph_data"][-1]["posted_at"] == "2024-01-16"
