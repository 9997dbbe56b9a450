"""Nyne.ai: asynchronous person-interaction lookups with polling, callbacks, rate limits and credits."""

from __future__ import annotations

from typing import Any

from mockserver.core.redaction import redactor_for
from mockserver.providers import ProviderContext, ProviderRuntime, ProviderSpec
from mockserver.providers.nyne import admin, errors, routes
from mockserver.providers.nyne.handlers import NyneApi
from mockserver.providers.nyne.world import NyneWorld
from mockserver.scenario import ScenarioError

MAX_ERROR_TEXT = 1000  # what a snapshot carries for a failed job (schemas/snapshot/nyne.json)


def _world(context: ProviderContext) -> NyneWorld:
    section = context.scenario.section("nyne")
    if section is None:
        raise ScenarioError(f"scenario {context.scenario.name!r} has no 'nyne' section; the Nyne provider needs one")
    return NyneWorld(section, context.seed, context.pools)


def _force_job(api: NyneApi, body: dict[str, Any]) -> dict[str, Any]:
    request_id, status, error = body.get("request_id"), body.get("status"), body.get("error")
    if not isinstance(request_id, str) or not isinstance(status, str) or not isinstance(error, (str, type(None))):
        raise ValueError('send {"request_id": "...", "status": "completed" | "failed", "error": optional text}')
    if error is not None and len(error) > MAX_ERROR_TEXT:
        raise ValueError(f"error is a text of at most {MAX_ERROR_TEXT} characters")
    return api.force_job(request_id, status, error)


def _rebuild(api: NyneApi, context: ProviderContext) -> None:
    api.replace_world(_world(context), context.clock, context.scheduler)
    # Callback URLs shown by the admin views: masked by name and by the scenario's credential values.
    api.dispatcher.redactor = redactor_for(context.scenario.secrets)


def build(context: ProviderContext) -> ProviderRuntime:
    api = NyneApi(_world(context), context.clock, context.scheduler, context.store, context.max_jobs)
    api.dispatcher.redactor = redactor_for(context.scenario.secrets)
    return ProviderRuntime(
        name="nyne",
        endpoints=routes.endpoints(api),
        render_error=errors.renderer(lambda: api.clock.now_ms()),
        rebuild=lambda fresh: _rebuild(api, fresh),
        export_state=api.export_state,
        import_state=api.import_state,
        flags=lambda: api.flags,
        credentials=api.default_credentials,
        admin_views={"callbacks": api.callback_deliveries, "credits": api.credit_ledger,
                     "jobs": lambda: admin.jobs(api)},
        admin_actions={"force-job": lambda body: _force_job(api, body)},
        cleanup=api.close,
        events_between=lambda after, until: admin.events_between(api, after, until),
        commands={"submit": api.submit, "callback": api.dispatcher.apply_attempt},
    )


SPEC = ProviderSpec(
    name="nyne",
    title="Nyne.ai (api.nyne.ai)",
    build=build,
    security_schemes={
        "nyneApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        "nyneApiSecret": {"type": "apiKey", "in": "header", "name": "X-API-Secret"},
        "nyneApiKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
        "nyneApiSecretQuery": {"type": "apiKey", "in": "query", "name": "api_secret"},
    },
    # Both credentials together, as headers or as query parameters.
    security=[{"nyneApiKey": [], "nyneApiSecret": []}, {"nyneApiKeyQuery": [], "nyneApiSecretQuery": []}],
)
