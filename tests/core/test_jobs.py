"""Jobs whose status is a pure function of the clock: stages, outcomes, forcing, expiry, snapshots."""

from __future__ import annotations

import json

import pytest

from mockserver.core.jobs import Job, JobStore, Outcome, Stage

STAGES = (Stage("queued", 1_000), Stage("processing", 4_000))


def job(job_id: str = "j1", owner: str = "team", at: int = 10_000, **kwargs: object) -> Job:
    defaults: dict[str, object] = {"stages": STAGES, "outcome": Outcome("completed", {"n": 3})}
    defaults.update(kwargs)
    return Job(job_id, owner, at, input={"asked": True}, **defaults)  # type: ignore[arg-type]


def test_status_walks_the_stages_then_reports_the_outcome() -> None:
    j = job()
    assert j.finishes_ms == 15_000
    assert [j.status_at(t) for t in (10_000, 10_999, 11_000, 14_999, 15_000, 99_999)] == [
        "queued", "queued", "processing", "processing", "completed", "completed"]
    assert not j.is_finished(14_999) and j.is_finished(15_000)


def test_an_agent_task_is_one_pending_stage() -> None:
    task = Job("t", "team", 0, (Stage("pending", 8_000),), Outcome("completed", {"liked": True}))
    assert task.status_at(7_999) == "pending" and task.status_at(8_000) == "completed"


def test_zero_length_stages_are_skipped_and_no_stages_means_done_at_once() -> None:
    assert job(stages=(Stage("queued", 0), Stage("processing", 10))).status_at(10_000) == "processing"
    assert job(stages=()).status_at(10_000) == "completed"


def test_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError):
        Stage("queued", -1)


@pytest.mark.parametrize("at, stages", [
    (10_000, ()),
    (10_500, (("queued", 500),)),
    (12_000, (("queued", 1_000), ("processing", 1_000))),
])
def test_settle_ends_the_job_at_the_given_instant(at: int, stages: tuple[tuple[str, int], ...]) -> None:
    forced = job().settle(Outcome("failed", error="stopped"), at)
    assert forced.finishes_ms == at
    assert [(s.status, s.duration_ms) for s in forced.stages] == list(stages)
    assert forced.status_at(at) == "failed" and forced.outcome.error == "stopped"


def test_settle_after_the_planned_finish_only_changes_the_outcome() -> None:
    forced = job().settle(Outcome("failed", error="x"), 99_000)
    assert forced.finishes_ms == 15_000 and forced.status_at(15_000) == "failed"


def test_the_store_scopes_jobs_to_their_owner_and_forgets_them_after_the_ttl() -> None:
    store = JobStore(ttl_ms=60_000)
    store.add(job("a", owner="team-1"))
    assert store.get("a", 10_000, owner="team-1") is not None
    assert store.get("a", 10_000, owner="team-2") is None
    assert store.get("nope", 10_000) is None
    assert store.get("a", 74_999) is not None and store.get("a", 75_000) is None
    assert store.peek("a") is not None  # still there until purged
    assert store.purge(75_000) == 1 and len(store) == 0


def test_ids_are_unique_and_replace_needs_an_existing_job() -> None:
    store = JobStore()
    store.add(job("a"))
    with pytest.raises(ValueError):
        store.add(job("a"))
    with pytest.raises(KeyError):
        store.replace(job("b"))
    assert store.get("a", 10**15) is not None  # no ttl: kept forever


def test_export_and_load_round_trip_through_json() -> None:
    store = JobStore(ttl_ms=1_000)
    store.add(job("a"))
    store.add(job("b", outcome=Outcome("failed", error="private account")))
    data = json.loads(json.dumps(store.export()))
    copy = JobStore(ttl_ms=1_000)
    copy.load(data)
    assert list(copy) == list(store)
    assert copy.export() == store.export()


def test_a_store_with_a_capacity_forgets_the_oldest_jobs() -> None:
    store = JobStore(capacity=3)
    for n in range(5):
        store.add(Job(f"job-{n}", "owner", n, (), Outcome("completed")))
    assert len(store) == 3 and [job.id for job in store] == ["job-2", "job-3", "job-4"]
    assert store.get("job-0", 10) is None and store.get("job-4", 10) is not None
