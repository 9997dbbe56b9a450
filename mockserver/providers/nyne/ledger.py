"""The credit ledger: what each request costs, charged when its job finishes, per API key."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any, Iterator

from mockserver.core.errors import StateProblem

CREDITS_PER_REQUEST = 3
NETWORK_REQUEST, NO_RESULTS, FAILED = "network_intelligence_request", "no_results", "failed"
NETWORK_RESULTS = "network_intelligence_results"  # the per-result reading of the page
PER_REQUEST, PER_RESULT = "per_request", "per_result"


@dataclass(frozen=True, slots=True)
class ChargingRule:
    """How a completed, non-empty lookup is charged. The page says both "the listed cost is the per-result
    unit price" and "3 credits, charged per request"; the scenario picks (default: per request)."""

    charging: str = PER_REQUEST
    credits: int = CREDITS_PER_REQUEST  # per request, or per result entry

    def cost(self, results: int) -> tuple[int, str]:
        if self.charging == PER_RESULT:
            return self.credits * results, NETWORK_RESULTS
        return self.credits, NETWORK_REQUEST


@dataclass(frozen=True, slots=True)
class Charge:
    request_id: str
    credential_id: str
    submitted_ms: int
    settles_ms: int  # the job's finish: the cost is known, and owed, from then on
    credits: int
    reason: str


class CreditLedger:
    """Entries are written at submit (the mock knows the outcome then) and count once settled.

    Beyond `max_entries`, the oldest entries are folded into per-key totals, so the
    credits used stay exact while a long-running mock keeps a bounded record.
    Recording, folding and rewriting an entry are O(1).
    """

    def __init__(self, max_entries: int | None = None, rule: ChargingRule = ChargingRule()) -> None:
        self.rule = rule
        self._charges: OrderedDict[str, Charge] = OrderedDict()  # by request id, in recording order
        self._folded: dict[str, int] = {}  # credential id -> credits of entries no longer listed
        self.max_entries = max_entries

    def record(self, request_id: str, credential_id: str, submitted_ms: int, settles_ms: int,
               results: int | None) -> Charge:
        """`results` is the entry count of a completed job, None for a failed one."""
        if results is None:
            credits, reason = 0, FAILED  # nothing was delivered (assumed: failures are free)
        elif results == 0:
            credits, reason = 0, NO_RESULTS  # "empty results never burn credits"
        else:
            credits, reason = self.rule.cost(results)
        charge = Charge(request_id, credential_id, submitted_ms, settles_ms, credits, reason)
        self._charges[request_id] = charge
        if self.max_entries is not None and len(self._charges) > self.max_entries:
            _, oldest = self._charges.popitem(last=False)  # long settled in practice: jobs finish in seconds
            self._folded[oldest.credential_id] = self._folded.get(oldest.credential_id, 0) + oldest.credits
        return charge

    def settle_early(self, request_id: str, settles_ms: int, results: int | None) -> None:
        """Rewrite a charge whose job was forced to finish differently (it becomes the newest entry)."""
        charge = self._charges.pop(request_id, None)
        if charge is not None:
            self.record(request_id, charge.credential_id, charge.submitted_ms, settles_ms, results)

    def view(self, now_ms: int) -> dict[str, Any]:
        """Per credential id: credits used so far and every entry, with whether it has settled."""
        accounts: dict[str, dict[str, Any]] = {
            credential: {"credits_used": credits, "entries": []} for credential, credits in self._folded.items()
        }
        for charge in self._charges.values():
            account = accounts.setdefault(charge.credential_id, {"credits_used": 0, "entries": []})
            settled = now_ms >= charge.settles_ms
            if settled:
                account["credits_used"] += charge.credits
            account["entries"].append({**asdict(charge), "settled": settled})
        return accounts

    def credential_ids(self) -> Iterator[tuple[str, str]]:
        """(path within the exported ledger, credential id) of every entry and folded total."""
        for index, charge in enumerate(self._charges.values()):
            yield f".entries[{index}].credential_id", charge.credential_id
        for credential_id in self._folded:
            yield f".folded.{credential_id}", credential_id

    def export(self) -> dict[str, Any]:
        return {"entries": [asdict(charge) for charge in self._charges.values()], "folded": dict(self._folded)}

    def load(self, data: dict[str, Any]) -> None:
        entries = data["entries"]
        if self.max_entries is not None and len(entries) > self.max_entries:
            raise StateProblem(".entries", f"{len(entries)} entries, but this server keeps at most {self.max_entries}")
        charges: OrderedDict[str, Charge] = OrderedDict()
        for index, item in enumerate(entries):
            charge = Charge(**item)
            if charge.request_id in charges:
                raise StateProblem(f".entries[{index}].request_id", f"{charge.request_id!r} is charged twice")
            charges[charge.request_id] = charge
        self._charges = charges
        self._folded = {str(k): int(v) for k, v in data.get("folded", {}).items()}
