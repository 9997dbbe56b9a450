"""Run checks, each to one outcome, never letting one check's trouble stop the others."""

from __future__ import annotations

import time
import urllib.error
from typing import Callable, Iterable

from mockserver.contract.client import UnsafeRequestRefused
from mockserver.contract.context import CheckContext
from mockserver.contract.model import (
    Check, CheckFailed, CheckInconclusive, CheckResult, CheckSkipped, CheckTimedOut, Exchange, Outcome,
)

ContextFactory = Callable[[Check, Callable[[Exchange], None]], CheckContext]


def run_check(check: Check, make_context: ContextFactory, allow_mutations: bool) -> CheckResult:
    if check.mutating and not allow_mutations:
        return CheckResult(check, Outcome.SKIPPED, "changes the target's state; run with --allow-mutations")
    evidence: list[Exchange] = []
    started = time.monotonic()
    try:
        check.run(make_context(check, evidence.append))
        outcome, message = Outcome.PASS, ""
    except CheckFailed as failure:
        outcome, message = Outcome.FAIL, str(failure)
    except CheckSkipped as skipped:
        outcome, message = Outcome.SKIPPED, str(skipped)
    except CheckInconclusive as inconclusive:
        outcome, message = Outcome.INCONCLUSIVE, str(inconclusive)
    except CheckTimedOut as timeout:
        outcome, message = Outcome.TIMEOUT, str(timeout)
    except UnsafeRequestRefused as refused:
        outcome, message = Outcome.ERROR, str(refused)
    except (urllib.error.URLError, OSError) as error:
        outcome, message = Outcome.ERROR, f"cannot reach the target: {getattr(error, 'reason', error)}"
    except Exception as error:  # a bug in the check itself: report it, keep going
        outcome, message = Outcome.ERROR, f"{type(error).__name__}: {error}"
    return CheckResult(check, outcome, message, evidence, int((time.monotonic() - started) * 1000))


def run_checks(checks: Iterable[Check], make_context: ContextFactory, allow_mutations: bool,
               progress: Callable[[CheckResult], None] = lambda result: None) -> list[CheckResult]:
    results = []
    for check in checks:
        result = run_check(check, make_context, allow_mutations)
        progress(result)
        results.append(result)
    return results
