"""The interaction_actions filter."""

from __future__ import annotations

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.appdotnet.common import ACTIONS, MAX_COUNT, newest_ids, pagination_ids, stream_page
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckSkipped

check = REGISTRY.check


@check("appdotnet.filter.only_requested", "interaction_actions=<action> returns only interactions of that action")
def filter_only_requested(ctx: CheckContext) -> None:
    for action in ACTIONS:
        body = stream_page(ctx, f"interaction_actions={action}", interaction_actions=action)
        wrong = sorted({item["action"] for item in body["data"]} - {action})
        ctx.expect(not wrong, f"interaction_actions={action} returned other actions: {wrong}")


@check("appdotnet.filter.comma_list", "interaction_actions=repost,follow returns exactly the repost and follow "
       "interactions of the unfiltered stream, in the same order")
def filter_comma_list(ctx: CheckContext) -> None:
    stream = newest_ids(ctx, 100)
    bounds = {"before_id": stream[0], "since_id": stream[-1], "count": MAX_COUNT}
    everything = stream_page(ctx, "the unfiltered range", **bounds)["data"]
    expected = [item["pagination_id"] for item in everything if item["action"] in ("repost", "follow")]
    if not expected:
        raise CheckSkipped("the newest 100 interactions hold no repost or follow")
    filtered = stream_page(ctx, "interaction_actions=repost,follow", interaction_actions="repost,follow", **bounds)
    got = pagination_ids(filtered)
    missing = [pid for pid in expected if pid not in got]
    extra = [pid for pid in got if pid not in expected]
    ctx.expect(not missing and not extra, f"interaction_actions=repost,follow: missing {missing[:5]}, "
                                          f"unexpected {extra[:5]} (of {len(expected)} expected)")
    ctx.expect(got == expected, f"interaction_actions=repost,follow: the order {got[:5]}... differs from the "
                                f"unfiltered stream's {expected[:5]}...")
