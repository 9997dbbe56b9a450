"""Nyne request handlers: credentials, rate limits, submit and poll, and the admin's plain-data views."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from mockserver.core.auth import CredentialIndex, secrets_equal
from mockserver.core.callbacks import AllowList, CallbackDispatcher, CallbackRefused
from mockserver.core.clock import Clock
from mockserver.core.errors import ApiError, StateProblem, headers_on_errors, state_part
from mockserver.core.http import Reply
from mockserver.core.jobs import Job, JobStore, Outcome, Stage
from mockserver.core.ratelimit import Window
from mockserver.core.scheduler import Scheduler
from mockserver.store.engine import Store
from mockserver.core.world import Flags, derive, stable_key
from mockserver.providers.nyne import errors
from mockserver.providers.nyne.envelope import instant, success
from mockserver.providers.nyne.ledger import CreditLedger
from mockserver.providers.nyne.parsing import REPLIES, TYPES_BY_PLATFORM, InteractionRequest, parse_submit
from mockserver.providers.nyne.slots import RunningJobs
from mockserver.providers.nyne.world import Credential, NyneWorld

PENDING, QUEUED, PROCESSING, COMPLETED, FAILED = "pending", "queued", "processing", "completed", "failed"
_PURGE_EVERY = 64  # submits between sweeps of expired jobs


class NyneApi:
    """Handlers bound to one world and the state the API changed; `replace_world` starts afresh."""

    def __init__(self, world: NyneWorld, clock: Clock, scheduler: Scheduler, store: Store,
                 max_jobs: int | None = None) -> None:
        self.clock = clock
        self.store = store
        self.max_jobs = max_jobs
        self.dispatcher = CallbackDispatcher(scheduler, clock, self._callback_payload, capacity=max_jobs,
                                             kind="nyne.callback", record=self._record_attempt,
                                             epoch=lambda: self.store.epoch)
        self.replace_world(world)

    def replace_world(self, world: NyneWorld, clock: Clock | None = None,
                      scheduler: Scheduler | None = None) -> None:
        """A fresh world and no API-made state; a reset may also hand over the app's clock and scheduler."""
        if clock is not None:
            self.clock = self.dispatcher.clock = clock
        if scheduler is not None:
            self.dispatcher.scheduler = scheduler
        self.world = world
        self.keys = CredentialIndex((c.api_key, c) for c in world.credentials)
        self.allow_list = self.dispatcher.allow_list = AllowList(world.callback_hosts)
        self.jobs = JobStore(world.timing.result_ttl_ms, capacity=self.max_jobs)
        self.ledger = CreditLedger(max_entries=self.max_jobs, rule=world.charging)
        # Per credential with a concurrent-job limit: its jobs, for when the next one may leave pending.
        self._in_flight: dict[str, RunningJobs] = {}
        limits = world.limits
        self.limiter = self.store.rate_limiter("nyne", (Window("minute", limits.per_minute, 60_000),
                                                        Window("hour", limits.per_hour, 3_600_000)))
        self.flags = Flags({"rate_limits": limits.enabled})  # the admin API may switch limits at run time
        self.dispatcher.reset()
        self.submitted = 0

    # -- the two documented operations -----------------------------------------

    async def submit_interactions(self, request: web.Request) -> Reply:
        credential, headers = await self._admit(request)
        with headers_on_errors(headers):
            body = await _json_body(request)
            parsed = parse_submit(body, self.allow_list)
            job = await self.store.commit("nyne.submit", {"request": parsed.to_data(), "credential_id": credential.id})
            return Reply(success(self.view(job, self.clock.now_ms()), self.clock.now_ms()), 202, headers)

    async def poll_interactions(self, request: web.Request) -> Reply:
        credential, headers = await self._admit(request)
        with headers_on_errors(headers):
            values = request.query.getall("request_id", [])
            if len(values) > 1:
                raise errors.invalid_parameter("request_id may be given only once")
            request_id = values[0].strip() if values else ""
            if not request_id:
                raise errors.missing_parameter("request_id is required: GET /person/interactions?request_id=<id>")
            now = self.clock.now_ms()
            job = self.jobs.get(request_id, now, owner=credential.id)
            if job is None:
                raise errors.request_not_found(request_id)
            return Reply(success(self.view(job, now), now), 200, headers)

    # -- steps -------------------------------------------------------------------

    async def _admit(self, request: web.Request) -> tuple[Credential, dict[str, str]]:
        """Authenticate, then count the request against the key's limits (401s are not counted)."""
        credential = self.authenticate(request)
        now = self.clock.now_ms()
        decision = await self.limiter.take(credential.id, now) if self.flags["rate_limits"] else None
        if decision is None:
            return credential, {}
        headers = decision.headers(now)
        if not decision.allowed:
            raise errors.rate_limited(int(headers["Retry-After"]), headers)
        return credential, headers

    def authenticate(self, request: web.Request) -> Credential:
        """Headers first; the query parameters api_key/api_secret serve clients that cannot set headers."""
        key = request.headers.get("X-API-Key") or request.query.get("api_key") or ""
        secret = request.headers.get("X-API-Secret") or request.query.get("api_secret") or ""
        if not key.strip() or not secret.strip():
            raise errors.missing_credentials()
        credential = self.keys.lookup(key)
        # Compare the secret even for an unknown key, so both failures take the same time.
        expected = credential.api_secret if credential is not None else "\x00unknown"
        if not secrets_equal(secret, expected) or credential is None:
            raise errors.invalid_credentials()
        return credential

    def _next_request_id(self, now_ms: int) -> str:
        key = stable_key(self.world.seed, "nyne", "request-id")
        while True:  # an imported job may already hold the next id
            n = self.submitted
            self.submitted += 1
            request_id = f"interaction_{derive(key, n, 0):016x}_{now_ms // 1000}_{1000 + derive(key, n, 1) % 9000}"
            if request_id not in self.jobs:
                return request_id

    def submit(self, args: dict[str, Any]) -> Job:
        """The `nyne.submit` command: a checked lookup request of a credential becomes a job."""
        credential = next(c for c in self.world.credentials if c.id == args["credential_id"])
        return self._start(InteractionRequest.from_data(args["request"]), credential)

    def _record_attempt(self, data: dict[str, Any]) -> Any:
        return self.store.commit("nyne.callback", data)

    def _start(self, parsed: InteractionRequest, credential: Credential) -> Job:
        now = self.clock.now_ms()
        timing = self.world.timing
        waits = self._slot_at(credential, now + timing.pending_ms) - now
        stages = (Stage(PENDING, waits), Stage(QUEUED, timing.queued_ms), Stage(PROCESSING, timing.processing_ms))
        finishes = now + waits + timing.queued_ms + timing.processing_ms
        failure = self.world.failure(parsed)
        total = None if failure else self.world.result_size(parsed, finishes)
        outcome = Outcome(FAILED, error=failure) if failure else Outcome(COMPLETED, {"total_count": total})
        job = Job(self._next_request_id(now), credential.id, now, stages, outcome, parsed.to_data())
        if self.submitted % _PURGE_EVERY == 0:
            self.jobs.purge(now)
        self.jobs.add(job)
        if credential.max_concurrent_jobs is not None:
            self._track(job)
        self.ledger.record(job.id, credential.id, now, finishes, total)
        if parsed.callback_url is not None:
            self.dispatcher.schedule(parsed.callback_url, job.id, credential.id, finishes)
        return job

    def _slot_at(self, credential: Credential, earliest_ms: int) -> int:
        """When a new job of this credential may leave `pending`: at `earliest_ms`, or once fewer than
        its limit of jobs are still running, and never before a job submitted earlier (first come, first
        served)."""
        limit = credential.max_concurrent_jobs
        running = self._in_flight.get(credential.id)
        if limit is None or running is None:
            return earliest_ms
        return running.start_at(earliest_ms, limit, lambda job: self.jobs.peek(job.id) is job)

    def _track(self, job: Job) -> None:
        running = self._in_flight.setdefault(job.owner, RunningJobs())
        running.add(job, _pending_ms(job))
        if len(running) > 2 * len(self.jobs) + 64:  # mostly jobs the store forgot: start again from the store
            self._track_all()

    def _track_all(self) -> None:
        limited = {c.id for c in self.world.credentials if c.max_concurrent_jobs is not None}
        self._in_flight = {}
        for job in self.jobs:
            if job.owner in limited:
                self._in_flight.setdefault(job.owner, RunningJobs()).add(job, _pending_ms(job))

    def view(self, job: Job, now_ms: int) -> dict[str, Any]:
        """The job as a poll shows it at `now_ms`."""
        status = job.status_at(now_ms)
        data: dict[str, Any] = {"request_id": job.id, "status": status, "completed": status == COMPLETED}
        if status == COMPLETED:
            data["result"] = self.world.result(InteractionRequest.from_data(job.input), job.finishes_ms)
            data["completed_on"] = instant(job.finishes_ms)
        elif status == FAILED:
            data["error"] = job.outcome.error
            data["failed_on"] = instant(job.finishes_ms)
        return data

    def _callback_payload(self, request_id: str, now_ms: int) -> dict[str, Any] | None:
        job = self.jobs.peek(request_id)
        if job is None:
            return None
        return success(self.view(job, max(now_ms, job.finishes_ms)), now_ms)

    # -- plain data for the admin API ----------------------------------------------

    def callback_deliveries(self) -> list[dict[str, Any]]:
        """Every callback delivery with all its attempts (URL credentials masked)."""
        return self.dispatcher.deliveries()

    def credit_ledger(self) -> dict[str, Any]:
        """Per credential id: settled credits and every charge."""
        return self.ledger.view(self.clock.now_ms())

    def force_job(self, request_id: str, status: str, error: str | None = None) -> dict[str, Any]:
        """End a job now as `completed` or `failed`; its callback (if any) becomes due now."""
        if status not in (COMPLETED, FAILED):
            raise ValueError("a job can be forced to 'completed' or 'failed'")
        now = self.clock.now_ms()
        job = self.jobs.peek(request_id)
        if job is None:
            raise KeyError(request_id)
        parsed = InteractionRequest.from_data(job.input)
        total = self.world.result_size(parsed, min(now, job.finishes_ms)) if status == COMPLETED else None
        outcome = Outcome(COMPLETED, {"total_count": total}) if status == COMPLETED else \
            Outcome(FAILED, error=error or "The job was failed through the admin API")
        settled = job.settle(outcome, now)
        self.jobs.replace(settled)
        self.ledger.settle_early(request_id, settled.finishes_ms, total)
        delivery = self.dispatcher.for_ref(request_id)
        if delivery is not None:
            self.dispatcher.reschedule(delivery.id, settled.finishes_ms)
        return self.view(settled, now)

    def export_state(self) -> dict[str, Any]:
        return {
            "submitted": self.submitted,
            "jobs": self.jobs.export(),
            "ledger": self.ledger.export(),
            "callbacks": self.dispatcher.export(),
            "rate_limits": self.limiter.export(),
            "flags": self.flags.overrides(),
        }

    def import_state(self, state: dict[str, Any]) -> None:
        """Replace what the API changed; `StateProblem` says where a snapshot does not fit this world."""
        try:
            self._import(state)
        except StateProblem:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise StateProblem("", f"not a Nyne state snapshot: {error}") from None

    def _import(self, state: dict[str, Any]) -> None:
        credential_ids = {credential.id for credential in self.world.credentials}

        def known(path: str, credential_id: str) -> None:
            if credential_id not in credential_ids:
                raise StateProblem(path, f"{credential_id!r} is not a credential id of the scenario")

        with state_part(".jobs"):
            self.jobs.load(state.get("jobs", []))
        for index, job in enumerate(self.jobs):
            known(f".jobs[{index}].owner", job.owner)
            with state_part(f".jobs[{index}].input"):
                _check_input(job.input, self.allow_list)
        with state_part(".ledger"):
            self.ledger.load(state.get("ledger", {"entries": []}))
        for path, credential_id in self.ledger.credential_ids():
            known(".ledger" + path, credential_id)
        with state_part(".rate_limits"):
            self.limiter.load(state.get("rate_limits", {}))
        for credential_id in self.limiter.keys():
            known(f".rate_limits.{credential_id}", credential_id)
        with state_part(".flags"):
            self.flags.restore(state.get("flags", {}))
        with state_part(".callbacks"):
            self.dispatcher.load(state.get("callbacks", {}))
        for index, delivery in enumerate(self.dispatcher.export()["deliveries"]):
            known(f".callbacks.deliveries[{index}].owner", delivery["owner"])
        self.submitted = int(state.get("submitted", len(self.jobs)))
        self._track_all()

    def default_credentials(self) -> dict[str, Any]:
        """The first credential pair (what a test client sends unless told otherwise) and, under `limited`, the
        first one with a concurrent-job limit (what reaches `pending`)."""
        def pair(credential: Credential) -> dict[str, Any]:
            return {"headers": {"X-API-Key": credential.api_key, "X-API-Secret": credential.api_secret},
                    "api_key": credential.api_key, "api_secret": credential.api_secret, "credential_id": credential.id}

        found = pair(self.world.credentials[0])
        limited = [c for c in self.world.credentials if c.max_concurrent_jobs is not None]
        if limited:
            found["limited"] = {**pair(limited[0]), "max_concurrent_jobs": limited[0].max_concurrent_jobs}
        return found

    async def close(self) -> None:
        await self.dispatcher.close()


def _pending_ms(job: Job) -> int:
    return job.stages[0].duration_ms if job.stages and job.stages[0].status == PENDING else 0


def _check_input(data: Any, allow_list: AllowList) -> None:
    """A snapshot's job input must be a request the world can answer, or polls would fail later."""
    parsed = InteractionRequest.from_data(data)
    kinds = TYPES_BY_PLATFORM.get(parsed.platform)
    if kinds is None or parsed.interaction_type not in kinds or not isinstance(parsed.max_results, int):
        raise StateProblem("", f"job input {data!r} is not a valid request")
    if (parsed.tweet_id if parsed.interaction_type == REPLIES else parsed.username) is None:
        raise StateProblem("", f"job input {data!r} names no account or tweet")
    if parsed.callback_url is not None:
        try:
            allow_list.check(parsed.callback_url)
        except CallbackRefused as refused:
            raise StateProblem(".callback_url", str(refused)) from None



async def _json_body(request: web.Request) -> Any:
    too_large = ApiError(413, "payload_too_large",
                         f"The request body is larger than {request.client_max_size} bytes")
    # Decide from the declared length first: a half-read oversized stream is not a JSON problem.
    if request.content_length is not None and request.content_length > request.client_max_size:
        raise too_large
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large from None
    if not raw.strip():
        raise errors.invalid_json("The request body is empty; send a JSON object")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise errors.invalid_json(f"The request body is not valid JSON ({error})") from None
