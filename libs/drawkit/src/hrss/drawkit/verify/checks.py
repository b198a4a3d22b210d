"""The verifier's checks: re-derive a draw from its public record or its auditor package and say which checks pass
(docs/draw-spec.md §11; the checks, their names and their order: §12, "Conformance"). Standard library only for the
SHA-256 and SM3 profiles; the fast profile `hrss-draw/sha256-aes/v1` needs the `cryptography` package for its AES
tickets (imported only for that profile; without it the `profile` check fails and says so). The command line is
`hrss.drawkit.verify.cli`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hrss.drawkit import frame as frames
from hrss.drawkit import log as draw_log
from hrss.drawkit.encoding import Profile, canonical_json, profile, utf8_each
from hrss.drawkit.frame import FrameEntry
from hrss.drawkit.package import plan_from, plan_hash, public_pick, public_record, task_hash
from hrss.drawkit.sampling import Orders, Pick, Tickets, expansion_in, frame_orders, replacement_in, select
from hrss.drawkit.seed import Commitments, Contribution, derive_seed, draw_key
from hrss.drawkit.stream import BeyondKept, StreamedFrame, check_stream, ticket_bounds


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


class Report:
    def __init__(self) -> None:
        self.checks: list[Check] = []

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def names(self, passing: bool = True) -> list[str]:
        return [c.name for c in self.checks if c.ok is passing]


def _guard(report: Report, name: str, run: Callable[[], tuple[bool, str]]) -> bool:
    try:
        ok, detail = run()
    except (KeyError, TypeError, ValueError, LookupError) as error:
        ok, detail = False, f"{type(error).__name__}: {error}"
    return report.add(name, ok, detail)


def _entries(log: Sequence[Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    return [e for e in log if e["kind"] == kind]


def verify_public(record: Mapping[str, Any], report: Report | None = None) -> Report:
    """Everything anyone can check: the log chain and order, the seed, every ticket, the logged picks."""
    report = report or Report()
    try:
        chosen = profile(record["profile"])
    except (KeyError, ValueError) as error:
        report.add("profile", False, str(error))
        return report
    report.add("profile", True, chosen.name)
    log = record["log"]
    _guard(report, "log.chain", lambda: _chain(chosen, log))
    _guard(report, "log.order", lambda: _order(log))
    _guard(report, "commitments.logged", lambda: _committed(record, log))
    _guard(report, "contributions.logged", lambda: _contributions(record, log))
    if not _entries(log, "seeded"):
        ok = not record["picks"] and record["seed"] is None
        report.add("seed", ok, "not seeded (the draw ended before its ceremony)" if ok else "picks without a seed")
        return report
    if not _guard(report, "seed", lambda: _seed(chosen, record, log)):
        return report
    key = draw_key(chosen, bytes.fromhex(record["seed"]))
    _guard(report, "tickets", lambda: _tickets(chosen, key, record["picks"]))
    _guard(report, "picks.logged", lambda: _picks_logged(chosen, record, log))
    _guard(report, "batches", lambda: _batches(record, log))
    _guard(report, "invalid.logged", lambda: _invalid(record, log))
    _guard(report, "strata.counts", lambda: _counts(record))
    if "assignments" in record:
        _guard(report, "teams.logged", lambda: _teams(chosen, record, log))
    return report


def _teams(chosen: Profile, record: Mapping[str, Any], log: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    """Each published group of teams (by credential number) hashes to its `assigned` log entry."""
    logged = {e["seq"]: e["body"] for e in _entries(log, "assigned")}
    groups = record["assignments"]
    if sorted(g["seq"] for g in groups) != sorted(logged):
        return False, "the published teams do not match the assignments logged"
    for group in groups:
        body = logged[group["seq"]]
        if (
            chosen.hash(canonical_json(group["teams"])).hex() != body["teams_hash"]
            or len(group["teams"]) != body["teams"]
        ):
            return False, f"the teams of log entry {group['seq']} differ from its hash"
        if any(len(team) < body["team_size"] for team in group["teams"].values()):
            return False, f"a team of log entry {group['seq']} is smaller than {body['team_size']}"
    return True, f"{sum(len(g['teams']) for g in groups)} teams in {len(groups)} assignments"


def _chain(chosen: Profile, log: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    broken = draw_log.broken_link(chosen, log)
    return broken is None, f"{len(log)} entries" if broken is None else f"entry {broken} does not chain"


def _order(log: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    kinds = [e["kind"] for e in log]
    if not kinds or kinds[0] != "committed" or kinds.count("committed") != 1:
        return False, "the log must open with the one commitment"
    if kinds.count("seeded") > 1 or kinds.count("drawn") > 1:
        return False, "a draw is seeded and drawn once: a second run is never allowed"
    if "drawn" in kinds and "seeded" not in kinds:
        return False, "a draw needs its seed first"
    if "seeded" in kinds:
        seeded = kinds.index("seeded")
        if "contribution" in kinds[seeded:] or kinds[1:seeded].count("contribution") != seeded - 1:
            return False, "contributions must all come between the commitment and the seed"
        if kinds[seeded + 1 : seeded + 2] not in (["drawn"], []):
            return False, "the draw must follow the seed"
    if "voided" in kinds and kinds.index("voided") != len(kinds) - 1:
        return False, "nothing may follow a void"
    return True, " → ".join(dict.fromkeys(kinds))


def _committed(record: Mapping[str, Any], log: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    body = log[0]["body"]
    fields = ("draw_id", "task_hash", "frame_root", "roster_root", "recusal_root")
    wrong = [f for f in fields if body[f] != record["commitments"][f]]
    return not wrong, "frame root " + body["frame_root"][:16] + "…" if not wrong else f"differ: {', '.join(wrong)}"


def _contributions(record: Mapping[str, Any], log: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    logged = [{"witness": e["body"]["witness"], "value": e["body"]["value"]} for e in _entries(log, "contribution")]
    ok = logged == list(record["contributions"])
    return ok, f"{len(logged)} contributions" if ok else "the record's contributions differ from the log's"


def _seed(chosen: Profile, record: Mapping[str, Any], log: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    committed = Commitments(**{k: record["commitments"][k] for k in Commitments.__dataclass_fields__})
    contributions = [Contribution(c["witness"], c["value"]) for c in record["contributions"]]
    seed = derive_seed(chosen, committed, contributions).hex()
    seeded = _entries(log, "seeded")
    ok = seed == record["seed"] and bool(seeded) and seeded[0]["body"]["seed"] == seed
    return ok, seed if ok else f"recomputed {seed}, recorded {record['seed']}"


def _tickets(chosen: Profile, key: bytes, picks: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    usccs = [p["uscc"] for p in picks]
    found = map(bytes.hex, Tickets(chosen, key).many(utf8_each(usccs)))  # every ticket in one bulk pass
    wrong = [u for u, ticket, p in zip(usccs, found, picks) if ticket != p["ticket"]]
    return not wrong, f"{len(picks)} tickets" if not wrong else f"wrong tickets: {', '.join(wrong[:5])}"


def _picks_logged(chosen: Profile, record: Mapping[str, Any], log: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    picks = [public_pick(p) for p in record["picks"]]
    drawn = _entries(log, "drawn")
    if not drawn:
        return not picks, "not drawn"
    count = drawn[0]["body"]["picks"]
    if chosen.hash(canonical_json(picks[:count])).hex() != drawn[0]["body"]["picks_hash"]:
        return False, "the drawn picks differ from the log's digest"
    later = []
    for entry in log:
        if entry["kind"] == "replaced":
            later.append(entry["body"]["pick"])
        elif entry["kind"] == "expanded":
            later.extend(entry["body"]["picks"])
    ok = picks[count:] == later
    return ok, f"{count} drawn, {len(later)} added later" if ok else "later picks differ from the log"


def _invalid(record: Mapping[str, Any], log: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    logged = sorted(e["body"]["invalid"] for e in _entries(log, "replaced"))
    listed = sorted(record["invalid"])
    ok = logged == listed and len(set(logged)) == len(logged)
    return ok, f"{len(logged)} replaced" if ok else "the invalid entities differ from the replacements logged"


def _batches(record: Mapping[str, Any], log: Sequence[Mapping[str, Any]]) -> tuple[bool, str]:
    drawn = _entries(log, "drawn")
    initial = record["picks"][: drawn[0]["body"]["picks"]] if drawn else []
    order = [(p["ticket"], p["uscc"].encode("utf-8")) for p in initial]
    batches = [p["batch"] for p in initial]
    ok = order == sorted(order) and batches == sorted(batches)
    return ok, f"{max(batches, default=0)} batches in ticket order" if ok else "picks not in ticket or batch order"


def _counts(record: Mapping[str, Any]) -> tuple[bool, str]:
    rows = record["strata"].values()
    picked = sum(row["picked"] for row in rows)
    over = [name for name, row in record["strata"].items() if row["picked"] > row["eligible"]]
    ok = picked == len(record["picks"]) and not over
    return ok, f"{len(record['strata'])} public strata" if ok else f"counts do not add up ({', '.join(over[:3])})"


def verify_auditor(package: Mapping[str, Any]) -> Report:
    """The public checks on the derived public record, then the snapshot, the task, and the full re-draw. A frame
    that cannot be read (a leaf field not in NFC, holding a tab or a line break, a bad salt or reason) fails
    `frame.root`, `selection` and `eligibility` by name, as the streamed verifier does, instead of raising."""
    try:
        frame = [FrameEntry.from_json(e) for e in package["frame"]]
        record = public_record(package)
    except (KeyError, TypeError, ValueError) as error:
        return _unreadable(f"the snapshot cannot be checked: {error}")
    report = verify_public(record)
    if not report.ok:
        return report
    chosen = profile(package["profile"])
    _guard(report, "frame.root", lambda: _frame_root(chosen, package, frame))
    _guard(report, "task.hash", lambda: _task(chosen, package))
    _guard(report, "plans.committed", lambda: _plans(chosen, package))
    if package["seed"] is None:
        return report
    key = draw_key(chosen, bytes.fromhex(package["seed"]))
    _guard(report, "selection", lambda: _selection(chosen, key, package, frame))
    _guard(report, "eligibility", lambda: _eligibility(package, frame))
    if "assignment" in package:  # the assignment inputs (docs/draw-assignment.md §9)
        from hrss.drawkit.assignment import audit
        from hrss.drawkit.seed import assign_key

        for name, ok, detail in audit(chosen, assign_key(chosen, bytes.fromhex(package["seed"])), package):
            report.add(name, ok, detail)
    return report


def _unreadable(detail: str) -> Report:
    """The report on a snapshot that cannot be read: its three checks fail, named."""
    report = Report()
    for name in ("frame.root", "selection", "eligibility"):
        report.add(name, False, detail)
    return report


def _frame_root(chosen: Profile, package: Mapping[str, Any], frame: list[FrameEntry]) -> tuple[bool, str]:
    if not frames.in_canonical_order([e.uscc for e in frame]):  # by uscc bytes, none twice: one linear pass
        return _UNORDERED
    return _root_verdict(package, frames.commitment(chosen, frame), len(frame))  # columnar leaves


_UNORDERED = False, "the snapshot is not in canonical order (or holds a uscc twice)"


def _root_verdict(package: Mapping[str, Any], found: bytes, size: int) -> tuple[bool, str]:
    """`frame.root` of a recomputed root and size: the committed root, and the size the log names."""
    root = found.hex()
    ok = root == package["commitments"]["frame_root"] and size == package["log"][0]["body"]["frame_size"]
    return ok, f"{size} leaves, root {root[:16]}…" if ok else f"recomputed root {root}"


def _task(chosen: Profile, package: Mapping[str, Any]) -> tuple[bool, str]:
    ok = task_hash(chosen, package["task"]) == package["commitments"]["task_hash"]
    return ok, "the frozen task" if ok else "the task differs from the committed one"


def _plans(chosen: Profile, package: Mapping[str, Any]) -> tuple[bool, str]:
    """The plan is the one committed at T0, and every expansion plan is the one its log entry names."""
    committed = package["log"][0]["body"].get("plan_hash")
    if plan_hash(chosen, plan_from(package["plan"])) != committed:
        return False, "the plan differs from the one committed before the seed"
    logged = [e["body"]["plan_hash"] for e in _entries(package["log"], "expanded")]
    given = [plan_hash(chosen, plan_from(p)) for p in package["expansion_plans"]]
    ok = logged == given
    return (
        ok,
        f"the committed plan and {len(given)} expansion plans" if ok else "an expansion plan differs from its log",
    )


def _selection(chosen: Profile, key: bytes, package: Mapping[str, Any], frame: list[FrameEntry]) -> tuple[bool, str]:
    expected = list(select(chosen, key, frame, plan_from(package["plan"]), native=False).picks)
    return _replay(package, expected, *frame_orders(chosen, key, frame))


def _replay(
    package: Mapping[str, Any], expected: list[Pick], orders: Orders, sizes: Mapping[str, int]
) -> tuple[bool, str]:
    """The initial picks are the `expected` re-draw, and replaying every replacement and expansion of the log over
    the strata's ticket orders gives exactly the later picks."""
    picks = [Pick.from_json(p) for p in package["picks"]]
    count = _entries(package["log"], "drawn")[0]["body"]["picks"]
    if expected != picks[:count]:
        return False, "re-drawing the frame gives other picks"
    so_far, invalid, plans = list(expected), set(), list(package["expansion_plans"])
    try:
        for entry in package["log"]:
            if entry["kind"] == "replaced":
                again = replacement_in(orders, so_far, entry["body"]["invalid"])
                if picks[len(so_far)] != again:
                    return False, f"replacement of {entry['body']['invalid']} differs"
                invalid.add(entry["body"]["invalid"])
                so_far.append(again)
            elif entry["kind"] == "expanded":
                more = expansion_in(orders, sizes, so_far, invalid, plan_from(plans.pop(0)))
                if picks[len(so_far) : len(so_far) + len(more)] != more:
                    return False, "expansion differs"
                so_far.extend(more)
    except BeyondKept as error:
        return False, str(error)
    ok = so_far == picks
    return ok, f"{count} picks re-drawn, {len(so_far) - count} replayed" if ok else "extra picks"


def _eligibility(package: Mapping[str, Any], frame: list[FrameEntry]) -> tuple[bool, str]:
    by_uscc = {e.uscc: e for e in frame}
    bad = [p["uscc"] for p in package["picks"] if not (e := by_uscc.get(p["uscc"])) or not e.eligible]
    return not bad, "every pick eligible and in the frame" if not bad else f"ineligible: {', '.join(bad[:5])}"


def verify_streamed(
    package: Mapping[str, Any], chunks: Iterable[Any], read: Callable[[Any], bytes], workers: int = 1
) -> Report:
    """`verify_auditor` with the frame streamed from its snapshot file (docs/draw-spec.md §4.3: `chunks` of it,
    e.g. `stream.file_blocks`, each turned into its lines by `read`) instead of the package's `frame`, which is
    not read: the same checks by name, without the frame in memory (hrss.drawkit.stream)."""
    try:
        chosen = profile(package["profile"])
    except ValueError as error:
        report = Report()
        report.add("profile", False, str(error))
        return report
    key = draw_key(chosen, bytes.fromhex(package["seed"])) if package["seed"] is not None else None
    claimed = [(str(p["uscc"]), str(p["stratum"])) for p in package["picks"]]
    bounds = ticket_bounds(chosen, key, claimed) if key is not None else {}
    try:
        streamed = check_stream(chosen, key or bytes(32), bounds, chunks, read, workers, [u for u, _ in claimed])
    except (OSError, ValueError) as error:
        return _unreadable(f"the snapshot file cannot be checked: {error}")
    report = verify_public(public_record(package, (streamed.totals, streamed.sizes)))
    if not report.ok:
        return report
    _guard(report, "frame.root", lambda: _streamed_root(package, streamed))
    _guard(report, "task.hash", lambda: _task(chosen, package))
    _guard(report, "plans.committed", lambda: _plans(chosen, package))
    if key is None:
        return report
    found = [streamed.found[u] for u, _ in claimed if u in streamed.found]
    _guard(report, "selection", lambda: _streamed_selection(chosen, package, streamed))
    _guard(report, "eligibility", lambda: _eligibility(package, found))
    if "assignment" in package:  # its checks read the frame's rows of the picks only
        from hrss.drawkit.assignment import audit
        from hrss.drawkit.seed import assign_key

        picked = {**package, "frame": [e.to_json() for e in found]}
        for name, ok, detail in audit(chosen, assign_key(chosen, bytes.fromhex(package["seed"])), picked):
            report.add(name, ok, detail)
    return report


def _streamed_root(package: Mapping[str, Any], streamed: StreamedFrame) -> tuple[bool, str]:
    return _root_verdict(package, streamed.root, streamed.size) if streamed.ordered else _UNORDERED


def _streamed_selection(chosen: Profile, package: Mapping[str, Any], streamed: StreamedFrame) -> tuple[bool, str]:
    selection, short = streamed.selection(chosen, plan_from(package["plan"]))
    if short:
        return False, f"strata short of their quota below the claimed picks: {', '.join(short[:3])}"
    return _replay(package, list(selection.picks), streamed.orders, streamed.sizes)


def verify(document: Mapping[str, Any]) -> Report:
    """An auditor package if it holds the snapshot, else a public record."""
    return verify_auditor(document) if "frame" in document else verify_public(document)
