"""OutX's admin views: agent tasks, watchlists with their 7-day graph, and what a clock move brings."""

from __future__ import annotations

from typing import Any

from mockserver.core.clock import iso_from_ms
from mockserver.providers.outx.handlers import OutxApi
from mockserver.providers.outx.watchlist import Selection

SHOWN_TASKS = 200  # newest first; the total says how many the mock keeps


def tasks(api: OutxApi) -> dict[str, Any]:
    """Agent tasks, newest first: status now, when each was accepted and when it ends (and why, if it fails)."""
    now = api.clock.now_ms()
    desk = api.world.agent
    newest = list(desk.jobs)[-SHOWN_TASKS:][::-1]
    return {"total": len(desk.jobs), "tasks": [
        {"id": job.id, "team_id": job.owner, "type": job.input["task_type"], "social_urn": job.input["social_urn"],
         "status": job.status_at(now), "submitted_ms": job.submitted_ms, "submitted_at": iso_from_ms(job.submitted_ms),
         "completes_ms": job.finishes_ms, "completes_at": iso_from_ms(job.finishes_ms),
         "performed_by": job.outcome.output.get("performed_by") if job.outcome.output else None,
         "error": job.outcome.error}
        for job in newest
    ]}


def watchlists(api: OutxApi) -> list[dict[str, Any]]:
    """Every watchlist: its team, how many interactions it has now, and the 7-day graph_data the API shows."""
    now = api.clock.now_ms()
    everything = Selection()
    return [{"id": w.id, "name": w.name, "team_id": w.team_id,
             "team_name": api.world.teams[w.team_id].name,
             "interactions": w.page(everything, 0, 0, now).total,
             "graph_data": w.graph(everything, now)}
            for w in api.world.watchlists.values()]


def events_between(api: OutxApi, after_ms: int, until_ms: int) -> list[dict[str, Any]]:
    """Tasks that end in (after_ms, until_ms], and how many interactions each watchlist gains."""
    found = [{"at_ms": job.finishes_ms, "kind": "task", "id": job.id,
              "what": f"like task {'fails' if job.outcome.status == 'failed' else 'completes'}: "
                      f"{job.input['social_urn']}" + (f" ({job.outcome.error})" if job.outcome.error else "")}
             for job in api.world.agent.jobs if after_ms < job.finishes_ms <= until_ms]
    for watchlist in api.world.watchlists.values():
        before, after = watchlist.count_at(after_ms), watchlist.count_at(until_ms)
        if after > before:
            found.append({"at_ms": watchlist.time_ms(after - 1), "kind": "watchlist", "id": watchlist.id,
                          "what": f"{after - before} new interaction{'s' if after - before > 1 else ''} "
                                  f"on {watchlist.name}"})
    return found
