"""Conformance reports: console lines, JSON, Markdown and JUnit XML."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, TextIO
from xml.etree import ElementTree

from mockserver.contract.model import CheckResult, Outcome

SYMBOL = {Outcome.PASS: "PASS", Outcome.FAIL: "FAIL", Outcome.ERROR: "ERROR", Outcome.SKIPPED: "SKIP",
          Outcome.INCONCLUSIVE: "INCONCLUSIVE", Outcome.TIMEOUT: "TIMEOUT"}
BAD = {Outcome.FAIL, Outcome.ERROR, Outcome.TIMEOUT}


def console_line(result: CheckResult, out: TextIO) -> None:
    line = f"{SYMBOL[result.outcome]:<12} {result.check.id}"
    if result.message:
        line += f"  — {result.message}"
    print(line, file=out, flush=True)


def summary(results: list[CheckResult]) -> dict[str, int]:
    counts = Counter(result.outcome.value for result in results)
    return {outcome.value: counts.get(outcome.value, 0) for outcome in Outcome}


def summary_line(results: list[CheckResult]) -> str:
    counts = summary(results)
    return ", ".join(f"{n} {name}" for name, n in counts.items() if n) or "no checks ran"


def as_json(results: list[CheckResult], target: dict[str, Any]) -> dict[str, Any]:
    return {"target": target, "summary": summary(results), "results": [result.to_json() for result in results]}


def as_markdown(results: list[CheckResult], target: dict[str, Any]) -> str:
    providers = ", ".join(target.get("providers", [])) or "?"
    lines = [f"# Conformance report: {providers} at {target.get('base_url', '?')}", "",
             f"Providers: {providers}. Result: {summary_line(results)}.", ""]
    for provider in dict.fromkeys(result.check.provider for result in results):
        lines += [f"## {provider}", "", "| Check | Documented fact | Outcome | Evidence |", "|---|---|---|---|"]
        for result in (r for r in results if r.check.provider == provider):
            evidence = result.message.replace("|", "\\|").replace("\n", " ")
            if result.evidence and result.outcome in BAD:
                last = result.evidence[-1]
                evidence += f" (last request: `{last.method} {last.url}` → {last.status})"
            lines.append(f"| `{result.check.id}` | {result.check.fact} | {result.outcome.value} | {evidence} |")
        lines.append("")
    failing = [r for r in results if r.outcome in BAD and r.evidence]
    if failing:
        lines += ["## Replay", "", "Each failing check's requests, as commands. Credentials are `${VARIABLE}` "
                  "references to your environment; against this mock they fall back to its own keys, so the "
                  "commands run as they are:", ""]
        for result in failing:
            lines += [f"### `{result.check.id}`", "", "```sh", *[e.curl for e in result.evidence], "```", ""]
    return "\n".join(lines)


def as_junit(results: list[CheckResult]) -> str:
    suites = ElementTree.Element("testsuites", name="mockserver verify")
    for provider in dict.fromkeys(result.check.provider for result in results):
        mine = [r for r in results if r.check.provider == provider]
        counts = Counter(r.outcome for r in mine)
        suite = ElementTree.SubElement(
            suites, "testsuite", name=provider, tests=str(len(mine)),
            failures=str(counts[Outcome.FAIL] + counts[Outcome.TIMEOUT]), errors=str(counts[Outcome.ERROR]),
            skipped=str(counts[Outcome.SKIPPED] + counts[Outcome.INCONCLUSIVE]),
            time=f"{sum(r.duration_ms for r in mine) / 1000:.3f}",
        )
        for result in mine:
            case = ElementTree.SubElement(suite, "testcase", classname=provider, name=result.check.id,
                                          time=f"{result.duration_ms / 1000:.3f}")
            ElementTree.SubElement(case, "properties").append(
                ElementTree.Element("property", name="fact", value=result.check.fact))
            if result.outcome in (Outcome.FAIL, Outcome.TIMEOUT):
                ElementTree.SubElement(case, "failure", message=result.message, type=result.outcome.value)
            elif result.outcome is Outcome.ERROR:
                ElementTree.SubElement(case, "error", message=result.message)
            elif result.outcome in (Outcome.SKIPPED, Outcome.INCONCLUSIVE):
                ElementTree.SubElement(case, "skipped", message=f"{result.outcome.value}: {result.message}")
    return ElementTree.tostring(suites, encoding="unicode")


def write_reports(results: list[CheckResult], target: dict[str, Any], report_dir: Path | None,
                  junit: Path | None) -> list[Path]:
    written = []
    if report_dir is not None:
        report_dir.mkdir(parents=True, exist_ok=True)
        for provider in dict.fromkeys(result.check.provider for result in results):
            mine = [r for r in results if r.check.provider == provider]
            own = {**target, "providers": [provider],
                   "base_url": target.get("provider_urls", {}).get(provider) or target.get("base_url")}
            json_path, md_path = report_dir / f"{provider}.json", report_dir / f"{provider}.md"
            json_path.write_text(json.dumps(as_json(mine, own), indent=2))
            md_path.write_text(as_markdown(mine, own))
            written += [json_path, md_path]
    if junit is not None:
        junit.parent.mkdir(parents=True, exist_ok=True)
        junit.write_text(as_junit(results))
        written.append(junit)
    return written
