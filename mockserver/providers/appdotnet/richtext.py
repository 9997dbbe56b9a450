"""App.net rich text: plain text plus its entities and server-rendered HTML, built in one pass."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Union


@dataclass(frozen=True, slots=True)
class Mention:
    user_id: str
    username: str


@dataclass(frozen=True, slots=True)
class Hashtag:
    name: str


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str


Segment = Union[str, Mention, Hashtag, Link]

_WRAPPER = '<span itemscope="https://app.net/schemas/Post">'


@dataclass(frozen=True, slots=True)
class RichText:
    text: str
    html: str
    entities: dict[str, list[dict[str, Any]]]


def compose(segments: list[Segment]) -> RichText:
    """Join segments into text, HTML and entities.

    Positions count code points (Python string indices), which is what App.net
    means by UTF-32 positions.
    """
    text_parts: list[str] = []
    html_parts: list[str] = [_WRAPPER]
    mentions: list[dict[str, Any]] = []
    hashtags: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    pos = 0
    for segment in segments:
        if isinstance(segment, str):
            shown = segment
            html_parts.append(escape(segment, quote=False))
        elif isinstance(segment, Mention):
            shown = "@" + segment.username
            mentions.append({"name": segment.username, "id": segment.user_id, "pos": pos, "len": len(shown),
                             "is_leading": pos == 0})
            html_parts.append(f'<span data-mention-id="{segment.user_id}" data-mention-name="{segment.username}"'
                              f' itemprop="mention">{shown}</span>')
        elif isinstance(segment, Hashtag):
            shown = "#" + segment.name
            hashtags.append({"name": segment.name, "pos": pos, "len": len(shown)})
            html_parts.append(f'<span data-hashtag-name="{segment.name}" itemprop="hashtag">{shown}</span>')
        else:
            shown = segment.text
            links.append({"text": segment.text, "url": segment.url, "pos": pos, "len": len(shown)})
            html_parts.append(f'<a href="{escape(segment.url)}">{escape(segment.text, quote=False)}</a>')
        text_parts.append(shown)
        pos += len(shown)
    html_parts.append("</span>")
    return RichText("".join(text_parts), "".join(html_parts),
                    {"hashtags": hashtags, "links": links, "mentions": mentions})
