"""Fenced code blocks of the project's Markdown documents, for the tests that run them as printed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_FENCE = re.compile(r"^```([\w-]*)\s*$")
# Written on the line just before a block that a test must not run, with the reason.
_NOT_RUN = re.compile(r"^<!-- not run by the docs tests: (.*?) -->\s*$")


@dataclass(frozen=True)
class Block:
    language: str
    text: str
    line: int  # where the block's first line of content is, counted from 1
    not_run: str | None  # the reason given in a `<!-- not run by the docs tests: ... -->` line


def fenced_blocks(document: Path) -> list[Block]:
    blocks: list[Block] = []
    lines = document.read_text("utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = next((j for j in range(index + 1, len(lines)) if lines[j].startswith("```")), len(lines))
        before = next((lines[j] for j in range(index - 1, -1, -1) if lines[j].strip()), "")
        marker = _NOT_RUN.match(before)
        blocks.append(Block(opening.group(1), "\n".join(lines[index + 1:end]) + "\n", index + 2,
                            marker.group(1) if marker else None))
        index = end + 1
    return blocks
