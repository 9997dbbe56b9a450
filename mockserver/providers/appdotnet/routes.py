"""The App.net route table: the documented path, its handler and its schemas."""

from __future__ import annotations

from mockserver.core.http import Endpoint
from mockserver.providers.appdotnet.handlers import AdnApi

INTERACTIONS_PATH = "/stream/0/users/{user_id}/interactions"


def endpoints(api: AdnApi) -> tuple[Endpoint, ...]:
    return (
        Endpoint(
            method="GET",
            path=INTERACTIONS_PATH,
            handler=api.user_interactions,
            summary="Interactions other users had with the current user (users/me), newest first",
            response_schema="appdotnet/interactions-response",
            error_schema="appdotnet/error",
            query_schema="appdotnet/interactions-query",
            error_statuses=(400, 401, 403, 429),
            media_types=("application/json", "application/javascript"),  # with ?callback=, JSONP
            mode_parameters={"callback": (
                "JSONP. With callback=<a JavaScript name or dotted path> the answer is "
                "<name>(<the JSON envelope>) as application/javascript, always HTTP 200: the real status is "
                "meta.code. App.net never authenticates JSONP requests, so the envelope is the 401 error and "
                "no other parameter is looked at (unless the scenario sets jsonp_authentication). Any HTTP "
                "method gets this wrapped answer, a 405 included.")},
        ),
    )
