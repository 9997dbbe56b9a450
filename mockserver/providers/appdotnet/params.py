"""Query parameters of App.net streams: paging, action filter, object-shaping flags, JSONP callback."""

from __future__ import annotations

import re
from dataclasses import dataclass

from multidict import MultiMapping

from mockserver.providers.appdotnet import errors
from mockserver.providers.appdotnet.people import RenderOptions
from mockserver.providers.appdotnet.stream import ACTIONS

DEFAULT_COUNT, MAX_COUNT = 20, 200
# Stream-marker ids App.net accepts on streams that have markers; interactions have none.
MARKER_IDS = frozenset({"last_read", "last_read_inclusive", "marker", "marker_inclusive"})
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_ID = re.compile(r"[0-9]{1,18}")
# A JavaScript name or dotted path: nothing that could smuggle script into the wrapper.
_CALLBACK = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,63}(\.[A-Za-z_$][A-Za-z0-9_$]{0,63}){0,7}")
_TRUE, _FALSE = frozenset({"1", "true"}), frozenset({"0", "false"})


@dataclass(frozen=True, slots=True)
class Paging:
    since_id: int | None
    before_id: int | None
    count: int


@dataclass(frozen=True, slots=True)
class ActionFilter:
    actions: frozenset[str] | None  # None: every action
    ignored: tuple[str, ...]  # names that are not App.net actions


@dataclass(frozen=True, slots=True, eq=False)
class StreamQuery:
    """Every parameter of a valid interactions request, parsed.

    Compared and hashed by identity: handlers hand out one object per query
    string, so as part of a memo key it costs one pointer hash, not a walk
    through nested dataclasses.
    """

    jsonp: bool
    paging: Paging
    chosen: ActionFilter
    options: RenderOptions


def single(query: MultiMapping[str], name: str) -> str | None:
    values = query.getall(name, [])
    if len(values) > 1:
        raise errors.bad_parameter(f"{name} may be given at most once")
    return values[0] if values else None


def valid_callback(value: str) -> bool:
    return _CALLBACK.fullmatch(value) is not None


def callback(query: MultiMapping[str]) -> str | None:
    value = single(query, "callback")
    if value is not None and not valid_callback(value):
        raise errors.bad_parameter("callback must be a JavaScript function name such as handle or app.handle")
    return value


def paging(query: MultiMapping[str]) -> Paging:
    raw_count = single(query, "count")
    if raw_count is None:
        count = DEFAULT_COUNT
    else:
        # int() of the stripped text: int() itself skips fewer kinds of whitespace than str.strip (not \x1c-\x1f).
        text = raw_count.strip()
        if _INTEGER.fullmatch(text) is None or int(text) == 0:
            raise errors.bad_parameter(f"count must be a non-zero integer between -{MAX_COUNT} and {MAX_COUNT}")
        # Larger counts are cut to the maximum, the way the docs word it ("cannot be more than 200").
        count = max(-MAX_COUNT, min(MAX_COUNT, int(text)))
    return Paging(_pagination_id(query, "since_id"), _pagination_id(query, "before_id"), count)


def _pagination_id(query: MultiMapping[str], name: str) -> int | None:
    raw = single(query, name)
    if raw is None or raw.strip() == "":
        return None
    if raw in MARKER_IDS:
        raise errors.bad_parameter(f"{name}={raw} needs a stream marker, and the interactions stream has none")
    if _ID.fullmatch(raw.strip()) is None:
        raise errors.bad_parameter(f"{name} must be a pagination id (a non-negative integer) from a previous "
                                   "response's min_id or max_id")
    return int(raw.strip())


def action_filter(query: MultiMapping[str]) -> ActionFilter:
    """Comma-separated, possibly repeated. Names App.net does not define match nothing."""
    names = [part.strip() for value in query.getall("interaction_actions", []) for part in value.split(",")]
    names = [name for name in names if name]
    if not names:
        return ActionFilter(None, ())
    ignored = tuple(dict.fromkeys(name for name in names if name not in ACTIONS))
    return ActionFilter(frozenset(name for name in names if name in ACTIONS), ignored)


def _flag(query: MultiMapping[str], name: str, default: bool) -> bool:
    raw = single(query, name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise errors.bad_parameter(f"{name} must be 0 or 1")


def render_options(query: MultiMapping[str]) -> RenderOptions:
    everything = _flag(query, "include_annotations", False)
    return RenderOptions(
        html=_flag(query, "include_html", True),
        user_annotations=_flag(query, "include_user_annotations", everything),
        post_annotations=_flag(query, "include_post_annotations", everything),
        channel_annotations=everything,
        starred_by=_flag(query, "include_starred_by", False),
        reposters=_flag(query, "include_reposters", False),
    )
