"""The credit ledger: what each request costs, charged when its job finishes, per API key."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

CREDITS_PER_REQUEST = 3
NETWORK_REQUEST, NO_RESULTS, FAILED = "network_intelligence_request", "no_results", "failed"


@dataclass(frozen=True, slots=True)
class Charge:
    request_id: str
    credential_id: str
    submitted_ms: int
    settles_ms: int  # the job's finish: the cost is known, and owed, from then on
    credits: int
    reason: str


class CreditLedger:
    """Entries are written at submit (the mock knows the outcome then) and count once settled."""

    def __init__(self) -> None:
        self._charges: list[Charge] = []

    def record(self, request_id: str, credential_id: str, submitted_ms: int, settles_ms: int,
               results: int | None) -> Charge:
        """`results` is the entry count of a completed job, None for a failed one."""
        if results is None:
            credits, reason = 0, FAILED  # nothing was delivered (assumed: failures are free)
        elif results == 0:
            credits, reason = 0, NO_RESULTS
        else:
            credits, reason = CREDITS_PER_REQUEST, NETWORK_REQUEST
        charge = Charge(request_id, credential_id, submitted_ms, settles_ms, credits, reason)
        self._charges.append(charge)
        return charge

    def settle_early(self, request_id: str, settles_ms: int, results: int | None) -> None:
        """Rewrite a charge whose job was forced to finish differently."""
        for position, charge in enumerate(self._charges):
            if charge.request_id == request_id:
                del self._charges[position]
                self.record(request_id, charge.credential_id, charge.submitted_ms, settles_ms, results)
                return

    def view(self, now_ms: int) -> dict[str, Any]:
        """Per credential id: credits used so far and every entry, with whether it has settled."""
        accounts: dict[str, dict[str, Any]] = {}
        for charge in self._charges:
            account = accounts.setdefault(charge.credential_id, {"credits_used": 0, "entries": []})
            settled = now_ms >= charge.settles_ms
            if settled:
                account["credits_used"] += charge.credits
            account["entries"].append({**asdict(charge), "settled": settled})
        return accounts

    def export(self) -> list[dict[str, Any]]:
        return [asdict(charge) for charge in self._charges]

    def load(self, data: list[dict[str, Any]]) -> None:
        self._charges = [Charge(**item) for item in data]
