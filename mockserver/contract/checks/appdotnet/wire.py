"""Wire format: JSONP and pretty JSON."""

from __future__ import annotations

import json

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.appdotnet.common import get, newest_ids, user_headers
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckFailed

check = REGISTRY.check


@check("appdotnet.wire.jsonp", "with a callback parameter the answer is callback({...}) as application/javascript "
       "with HTTP 200 whatever the effective status, and JSONP requests are never authenticated (meta carries "
       "the error)")
def jsonp(ctx: CheckContext) -> None:
    response = get(ctx, callback="adnContract")
    ctx.expect_status(response, 200, "a JSONP request")
    ctx.expect_media_type(response, "application/javascript", "a JSONP answer")
    text = response.text.strip()
    ctx.expect(text.startswith("adnContract(") and text.endswith(")"),
               f"a JSONP answer is not wrapped in adnContract(...): {text[:80]!r}")
    try:
        inner = json.loads(text[len("adnContract("):-1])
    except ValueError:
        raise CheckFailed(f"the JSONP wrapper does not hold JSON: {text[:80]!r}") from None
    ctx.expect("data" not in inner, "a JSONP request to an authenticated endpoint returned data")
    ctx.expect_schema("appdotnet/error", inner, "the envelope inside the JSONP wrapper")


@check("appdotnet.wire.pretty", "JSON is minified by default; X-ADN-Pretty-JSON (any value) asks for pretty "
       "JSON with a trailing line break and the same content")
def pretty(ctx: CheckContext) -> None:
    stream = newest_ids(ctx, 4)
    params = {"before_id": stream[0], "count": 3}
    plain = get(ctx, **params)
    ctx.expect_status(plain, 200, "the minified request")
    ctx.expect("\n" not in plain.text, "the default answer is not minified: it contains line breaks")
    fancy = get(ctx, headers={**user_headers(ctx), "X-ADN-Pretty-JSON": "1"}, **params)
    ctx.expect_status(fancy, 200, "X-ADN-Pretty-JSON: 1")
    ctx.expect(fancy.text.endswith("\n") and fancy.text.count("\n") > 1,
               "X-ADN-Pretty-JSON: 1 did not give pretty JSON with a trailing line break")
    ctx.expect(ctx.json_of(fancy, "pretty") == ctx.json_of(plain, "minified"),
               "pretty and minified answers to the same request differ in content")
