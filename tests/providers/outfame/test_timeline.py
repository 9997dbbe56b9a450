"""An Outfame account's timeline: bounded, answered by binary search, and planning a day from the
periods and pauses that touch it gives exactly the plan the whole history gives."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core.clock import DAY_MS
from mockserver.providers.outfame.accounts import ACTIVE
from mockserver.providers.outfame.engine import plan_day
from mockserver.providers.outfame.timeline import (
    FOLDED_EVENTS, MAX_EVENTS, PAUSE, RESUME, ActivePeriod, Event, Timeline,
)
from tests.providers.outfame.conftest import DOCS_ACCOUNT, DOCS_NOW_MS
from tests.providers.outfame.test_engine import world

DAY = DOCS_NOW_MS // DAY_MS
ACCOUNT = world().directory.accounts[DOCS_ACCOUNT]
MINUTE_MS = 60_000


def whole_history(timeline: Timeline) -> tuple[list[ActivePeriod], list[tuple[int, int]]]:
    """Every period and every pause that cancelled actions: what planning a day read before."""
    transitions = timeline.transitions
    periods = [ActivePeriod(t.at_ms + t.delay_ms, transitions[i + 1].at_ms if i + 1 < len(transitions) else None,
                            t.resumed) for i, t in enumerate(transitions) if t.status == ACTIVE]
    burns = [(event.at_ms, event.cancelled) for event in timeline.events if event.kind == PAUSE and event.cancelled]
    return periods, burns


def alternating(gaps: list[int], delays: list[int], cancels: list[int], start_ms: int) -> list[Event]:
    """Pauses and resumes, one after the other, as the API allows them."""
    events, at = [], start_ms
    for i, gap in enumerate(gaps):
        at += gap
        if i % 2 == 0:
            events.append(Event(PAUSE, at, reason=None, cancelled=cancels[i % len(cancels)]))
        else:
            events.append(Event(RESUME, at, delay_ms=delays[i % len(delays)]))
    return events


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 25)), deadline=None)
@given(gaps=st.lists(st.sampled_from([0, 1_000, 30_000, 61_000, 5 * MINUTE_MS, 3_600_000, 20 * 3_600_000]),
                     min_size=1, max_size=40),
       delays=st.lists(st.integers(min_value=60_000, max_value=120_000), min_size=1, max_size=3),
       cancels=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=3),
       start=st.integers(min_value=-3 * DAY_MS, max_value=0))
def test_a_day_planned_from_what_touches_it_is_the_day_planned_from_everything(
        gaps: list[int], delays: list[int], cancels: list[int], start: int) -> None:
    timeline = Timeline(ACCOUNT, alternating(gaps, delays, cancels, DOCS_NOW_MS + start))
    periods, burns = whole_history(timeline)
    for day in range(DAY - 3, DAY + 3):  # the events span at most three days back and about a day ahead
        window = (day * DAY_MS, (day + 1) * DAY_MS)
        expected = plan_day(ACCOUNT, day, periods, burns)
        found = plan_day(ACCOUNT, day, timeline.periods_touching(*window), timeline.burns_between(*window))
        assert (found.times, found.seqs, found.kinds, found.outcomes, found.starts) == \
            (expected.times, expected.seqs, expected.kinds, expected.outcomes, expected.starts), day


def test_status_at_any_instant_follows_the_transitions() -> None:
    events = alternating([MINUTE_MS] * 9, [90_000], [3], DOCS_NOW_MS)
    timeline = Timeline(ACCOUNT, events)
    for event in events:
        expected = "paused" if event.kind == PAUSE else ACTIVE
        assert timeline.status_at(event.at_ms) == expected
        assert timeline.status_at(event.at_ms - 1) != expected


def test_added_events_match_a_timeline_built_at_once_even_out_of_order() -> None:
    events = alternating([MINUTE_MS] * 12, [61_000, 117_000], [0, 5], DOCS_NOW_MS)
    grown = Timeline(ACCOUNT)
    for event in events[6:] + events[:6]:  # the clock went back for the last six
        before = grown.revision
        grown.add(event)
        assert grown.revision != before
    built = Timeline(ACCOUNT, events)
    assert grown.events == built.events and grown.transitions == built.transitions
    window = (DAY * DAY_MS, (DAY + 1) * DAY_MS)
    assert grown.periods_touching(*window) == built.periods_touching(*window)
    assert grown.burns_between(*window) == built.burns_between(*window)


def test_the_history_is_bounded_and_folds_its_oldest_events() -> None:
    timeline = Timeline(ACCOUNT)
    events = alternating([MINUTE_MS * 2] * (MAX_EVENTS + 1), [60_000], [1], DOCS_NOW_MS - 30 * DAY_MS)
    for event in events:
        timeline.add(event)
    assert len(timeline.events) == MAX_EVENTS + 1 - FOLDED_EVENTS
    assert timeline.events == tuple(events[FOLDED_EVENTS:])  # the oldest went; the rest is exact
    assert timeline.status_at(events[-1].at_ms) == "paused"
