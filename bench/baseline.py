"""The physical limit for this stack: bare aiohttp returning pre-serialised bytes.

Run as `python -m bench.baseline PORT BODIES.json`; BODIES maps a path with
its query string to [content type, body as text].
"""

from __future__ import annotations

import json
import sys

from aiohttp import web


def make_app(bodies: dict[str, tuple[str, bytes]]) -> web.Application:
    async def serve(request: web.Request) -> web.Response:
        content_type, body = bodies[request.path_qs]
        return web.Response(body=body, content_type=content_type)

    app = web.Application()
    app.router.add_get("/{tail:.*}", serve)
    return app


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    with open(path) as file:
        raw = json.load(file)
    bodies = {key: (value[0], value[1].encode()) for key, value in raw.items()}
    print(f"baseline on {port}", flush=True)
    web.run_app(make_app(bodies), host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
