"""What the validating proxy saw: counts per operation and the violations, as JSON and Markdown."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_KEPT = 1000  # violations kept for the report (oldest fall out, and are counted)


@dataclass(frozen=True)
class Finding:
    seq: int  # the journal entry of the exchange
    at: str
    method: str
    url: str  # credentials masked
    operation: str
    status: int
    problems: tuple[str, ...]


@dataclass
class ProxyReport:
    upstream: str
    exchanges: Counter[str] = field(default_factory=Counter)  # by operation ("undocumented" for the rest)
    violating: Counter[str] = field(default_factory=Counter)
    findings: deque[Finding] = field(default_factory=lambda: deque(maxlen=MAX_KEPT))
    dropped: int = 0

    def add(self, operation: str, finding: Finding | None) -> None:
        self.exchanges[operation] += 1
        if finding is None:
            return
        self.violating[operation] += 1
        if len(self.findings) == MAX_KEPT:
            self.dropped += 1
        self.findings.append(finding)

    def to_json(self) -> dict[str, Any]:
        return {
            "upstream": self.upstream,
            "exchanges": sum(self.exchanges.values()),
            "violations": sum(self.violating.values()),
            "operations": {name: {"exchanges": count, "violations": self.violating[name]}
                           for name, count in sorted(self.exchanges.items())},
            "findings": [{**asdict(finding), "problems": list(finding.problems)} for finding in self.findings],
            "dropped": self.dropped,
        }

    def to_markdown(self) -> str:
        total, bad = sum(self.exchanges.values()), sum(self.violating.values())
        lines = [f"# Validating proxy: {self.upstream}", "",
                 f"{total} exchanges, {bad} with violations of the documented contract.", "",
                 "| Operation | Exchanges | Violations |", "|---|---|---|"]
        lines += [f"| `{name}` | {count} | {self.violating[name]} |" for name, count in sorted(self.exchanges.items())]
        if self.findings:
            lines += ["", "## Violations", ""]
            for finding in self.findings:
                lines.append(f"- #{finding.seq} {finding.at} `{finding.method} {finding.url}` → {finding.status}:")
                lines += [f"  - {problem}" for problem in finding.problems]
        if self.dropped:
            lines += ["", f"{self.dropped} older violations are counted above but no longer listed."]
        return "\n".join(lines) + "\n"
