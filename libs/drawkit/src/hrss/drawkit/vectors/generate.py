"""Writes the draw's test vectors, `vectors.json`: tiny draws run by `DrawProcedure` with their expected values.

    python -m hrss.drawkit.vectors.generate            # (re)write vectors.json next to this file
    python -m hrss.drawkit.vectors.generate --check    # exit 1 if vectors.json is not what this script writes

Everything is fixed, so the output is the same on every run: salts and usccs come from `random.Random` seeded with the
case name (a text seed is hashed with SHA-512, whatever PYTHONHASHSEED), the contributions are fixed digits and the
clock ticks one second per log entry from a fixed instant. Standard library only, but for the cases of the fast
profile (`hrss-draw/sha256-aes/v1`, AES tickets), which need the `cryptography` package.
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

from hrss.drawkit.assignment import public_assignments
from hrss.drawkit.encoding import AES_TICKETS, SHA256, SHA256_AES, SM3
from hrss.drawkit.package import DrawProcedure, public_record
from hrss.drawkit.sampling import ItemRule, Tickets, aes_messages, item_quotas, strata, stratum_order
from hrss.drawkit.vectors import assignment_case, path_cases
from hrss.drawkit.vectors.building import OTHER, A, B, C, D, Frame, builder, item, plan

FORMAT = "hrss-draw-vectors/v1"
NOTE = (
    "tickets compare as 32-byte big-endian integers (equivalently as bytes), ties by uscc bytes; in the fast profile "
    "hrss-draw/sha256-aes/v1 they are 16 bytes (docs/draw-spec.md §6.4)"
)
OUTPUT = Path(__file__).with_name("vectors.json")


def empty_stratum() -> tuple[DrawProcedure, str]:
    draw = builder(
        "empty-stratum", Frame("empty-stratum").add(A, 8).add(B, 0, 4), plan(item("license", Fraction(1, 4), 3))
    )
    draw.draw()
    return draw, "stratum B has only ineligible entities (N_s = 0): it gets no share of the minimum and no pick"


def quota_equals_size() -> tuple[DrawProcedure, str]:
    rules = plan(item("ratio", Fraction(9, 10)), item("minimum", None, 50))
    draw = builder("quota-equals-size", Frame("quota-equals-size").add(A, 3).add(OTHER, 4, 1), rules)
    draw.draw()
    return draw, "ceil(N_s·9/10) = N_s and a minimum beyond the frame: every eligible entity is drawn"


def full_item() -> tuple[DrawProcedure, str]:
    rules = plan(item("fire-safety", Fraction(1)), item("license", Fraction(1, 5)))
    draw = builder("full-item", Frame("full-item").add(A, 10, 2).add(OTHER, 6), rules)
    draw.draw()
    return draw, "a 100% item draws every eligible entity; the 1/5 item applies to the first ranks of each stratum"


def minimum_apportioned() -> tuple[DrawProcedure, str]:
    rules = plan(item("min7", None, 7), item("min2", None, 2), item("ratio", Fraction(1, 12)))
    draw = builder("minimum-apportioned", Frame("minimum-apportioned").add(A, 6).add(B, 6).add(C, 12), rules)
    draw.draw()
    return draw, (
        "minimum 7 over sizes 6, 6, 12: 1.75, 1.75, 3.5 → 2, 2, 3 by largest remainder; minimum 2: 0.5, 0.5, 1 → the "
        "tied remainder goes to the smaller stratum key → 1, 0, 1"
    )


def credit_grade() -> tuple[DrawProcedure, str]:
    rules = plan(item("routine", Fraction(1, 10)), stratum_fractions={C: Fraction(3, 10), D: Fraction(1, 2)})
    draw = builder("credit-grade", Frame("credit-grade").add(A, 10).add(B, 10).add(C, 10).add(D, 4), rules)
    draw.draw()
    return draw, "grades C and D drawn at 3/10 and 1/2 instead of 1/10; the public record merges the grades"


def batches() -> tuple[DrawProcedure, str]:
    draw = builder("batches", Frame("batches").add(A, 20).add(OTHER, 10), plan(item("x", Fraction(1, 2)), batch_size=4))
    draw.draw()
    return draw, "15 picks in global ticket order, chunked by 4 into batches 1–4 across both strata"


def replacement_chain() -> tuple[DrawProcedure, str]:
    draw = builder("replacement-chain", Frame("replacement-chain").add(A, 12), plan(item("x", Fraction(1, 4))))
    first = draw.draw()[0]
    second = draw.replace(first.uscc, "已注销")
    draw.replace(second.uscc, "无法取得联系")
    return draw, "a pick is replaced by the next unpicked entity in ticket order, and that one in its turn"


def expansion_case() -> tuple[DrawProcedure, str]:
    rules = plan(item("x", Fraction(1, 10)))
    draw = builder("expansion", Frame("expansion").add(A, 20).add(OTHER, 10), rules)
    draw.replace(draw.draw()[0].uscc, "停业")
    draw.expand(plan(item("x", Fraction(1, 5), 8)), "问题线索较多，扩大比例")
    return draw, (
        "after one replacement, the task grows from 1/10 to 1/5 with a minimum of 8 (5 + 3 over sizes 20, 10): "
        "the next unpicked entities join in batch 2, earlier picks stay"
    )


def voided() -> tuple[DrawProcedure, str]:
    draw = builder("voided", Frame("voided").add(A, 8), plan(item("x", Fraction(1, 4))))
    draw.draw()
    draw.void("监督人员未到场，本次抽取作废")
    return draw, "drawn, then voided with a reason: the log ends with the void and takes nothing more"


def single_entity() -> tuple[DrawProcedure, str]:
    draw = builder("single-entity", Frame("single-entity").add(A, 1), plan(item("x", Fraction(1, 10))))
    draw.draw()
    return draw, "a frame of one entity: ceil(1/10) = 1, so it is drawn"


def empty_frame() -> tuple[DrawProcedure, str]:
    draw = builder("empty-frame", [], plan(item("x", Fraction(1, 10), 5)))
    draw.draw()
    return draw, 'a frame of no entity: the root is H("") and nothing is drawn'


def equal_ticket_prefix() -> tuple[DrawProcedure, str]:
    """The first draw id (in a fixed sequence) whose last pick and first non-pick share a ticket's first byte while
    their usccs are in the other order: comparing truncated tickets, then usccs, would draw the wrong entity."""
    frame = Frame("equal-ticket-prefix").add(A, 24)
    rules = plan(item("x", Fraction(1, 2)))
    for attempt in range(10_000):
        draw = builder("equal-ticket-prefix", frame, rules, draw_id=f"D-equal-ticket-prefix-{attempt}")
        draw.draw()
        order = stratum_order(Tickets(SHA256, draw.key), strata(draw.frame)[A])
        (last_in, uscc_in), (first_out, uscc_out) = order[11], order[12]
        if last_in[0] == first_out[0] and uscc_in > uscc_out:
            return draw, (
                f"ranks 11 and 12 of 24 (q = 12) have tickets starting {last_in[:1].hex()}: the full tickets put "
                f"{uscc_in} in and {uscc_out} out, although {uscc_out} < {uscc_in}"
            )
    raise RuntimeError("no draw id with equal ticket prefixes at the cutoff")


def sm3_profile() -> tuple[DrawProcedure, str]:
    rules = plan(item("x", Fraction(1, 3)), stratum_fractions={C: Fraction(1, 2)})
    draw = builder("sm3-profile", Frame("sm3-profile").add(A, 6, 1).add(C, 6), rules, profile=SM3)
    draw.replace(draw.draw()[0].uscc, "已吊销")
    return draw, "the SM3 profile (GB/T 32905): the same draw steps with every hash SM3"


def aes_profile() -> tuple[DrawProcedure, str]:
    rules = plan(item("x", Fraction(1, 4)), item("y", None, 3), stratum_fractions={C: Fraction(1, 2)}, batch_size=3)
    frame = Frame("aes-profile").add(A, 12, 2).add(C, 8).add(OTHER, 6, 1)
    draw = builder("aes-profile", frame, rules, profile=SHA256_AES)
    draw.replace(draw.draw()[0].uscc, "已注销")
    draw.expand(plan(item("x", Fraction(1, 2)), item("y", None, 3), batch_size=3), "问题线索较多，扩大比例")
    return draw, (
        "the fast profile: every hash SHA-256, the tickets AES-256 CBC-MAC of u8(len) ‖ uscc ‖ zeros under K "
        "(16 bytes, 32 hex digits); a draw in batches of 3, a replacement and an expansion"
    )


def different_scopes() -> tuple[DrawProcedure, str]:
    both, first, second = "330102|A|1+2|*", "330102|A|1|C", "330103|B|2|*"
    rules = plan(
        ItemRule("T1:wages", Fraction(1, 4), 0, frozenset({both, first}), {first: Fraction(1, 2)}),
        ItemRule("T2:insurance", Fraction(1, 3), 2, frozenset({both, second})),
    )
    frame = Frame("different-scopes").add(both, 8).add(first, 6).add(second, 5, 1)
    draw = builder("different-scopes", frame, rules)
    draw.draw()
    return draw, (
        "two tasks of different scopes drawn together: each item is drawn only in the strata it names (quota 0 "
        "elsewhere), T1's raised ratio applies in its own grade stratum only, T2's minimum of 2 is apportioned over "
        "its own strata; an entity of stratum 1+2 drawn for both items is one pick, inspected once"
    )


def assignment_infeasible() -> tuple[DrawProcedure, str, dict[str, Any], dict[str, Any]]:
    """The assignment scenario of `assignment_case`: its package carries `assignment`, so the verifier runs the
    seven assignment checks on it; `expected["assignment"]` is what an independent implementation must re-derive."""
    case = assignment_case.scenario()
    package = case.package()
    runs = [
        {
            "teams": {u: [m.inspector_id for m in team] for u, team in sorted(result.teams.items())},
            "infeasible": [
                {"uscc": i.uscc, "reason": i.reason, "available": i.available, "qualified": i.qualified,
                 "eligible": i.eligible}
                for i in result.infeasible
            ],
            "loads": {k: v for k, v in sorted(result.loads.items()) if v},
        }
        for _, result in case.results
    ]  # fmt: skip
    replacements = [
        {"uscc": r.uscc, "replaced": r.replaced, "by": r.by, "rank": r.rank, "reason": r.reason}
        for r in case.replacements
    ]
    assert case.builder.seed is not None
    extra = {"assign_key": case.key.hex(), "runs": runs, "team_replacements": replacements}
    return (
        case.builder,
        (
            "the inspector assignment: teams of 2 from the entity's own county, qualified per item, never recused; in "
            "county 330106 every entity drawn for social insurance is infeasible (one of its two qualified inspectors "
            "is recused from all of them) and is listed without a team; a chain of two member replacements (health, "
            "then work conflict: reasons logged as salted commitments, opened in assignment.replacement_reasons); an "
            "entity replaced after the draw gets a team of its own run"
        ),
        package,
        {"assignment": extra},
    )


def aes_uscc_lengths() -> tuple[DrawProcedure, str]:
    """usccs of 0 to 31 UTF-8 bytes, ASCII and not: each is encoded as its own bytes."""
    usccs = ["", "9", "91330102MA2BCMA36L", "91330102MA2BCMA36", "浙江省杭州市", "Caf\u00e9", "X" * 31]
    frame = Frame("aes-uscc-lengths").add_usccs(A, usccs)
    draw = builder("aes-uscc-lengths", frame, plan(item("x", Fraction(1, 2))), profile=SHA256_AES)
    draw.draw()
    return draw, (
        "the fast profile over usccs of 0, 1, 17, 18 and 31 UTF-8 bytes, Chinese, and é (a uscc is in NFC, "
        "and encoded as it is): m(e) is listed for each in ticket_messages"
    )


CASES = (
    empty_stratum,
    quota_equals_size,
    full_item,
    minimum_apportioned,
    credit_grade,
    batches,
    replacement_chain,
    expansion_case,
    voided,
    single_entity,
    empty_frame,
    equal_ticket_prefix,
    sm3_profile,
    aes_profile,
    aes_uscc_lengths,
    different_scopes,
    assignment_infeasible,
    *path_cases.CASES,
)


def expected(draw: DrawProcedure) -> dict[str, Any]:
    """The values an independent implementation must reproduce from the package's inputs."""
    groups = strata(draw.frame)
    sizes = {e.stratum: len(groups.get(e.stratum, [])) for e in draw.frame}
    drawn = next((e.body["picks"] for e in draw.log if e.kind == "drawn"), 0)  # 0: voided before its seed
    tickets = Tickets(draw.profile, draw.key) if draw.seed else None
    found: dict[str, Any] = {
        "frame_root": draw.commitments.frame_root,
        "seed": draw.seed.hex() if draw.seed else None,
        "draw_key": draw.key.hex() if draw.seed else None,
        "sizes": dict(sorted(sizes.items())),
        "quotas": item_quotas(draw.plan, dict(sorted(sizes.items()))),
        "expansion_quotas": [item_quotas(p, dict(sorted(sizes.items()))) for p in draw.expansion_plans],
        "stratum_order": {
            s: [[u, t.hex()] for t, u in stratum_order(tickets, groups[s])] for s in sorted(groups) if tickets
        },
        "drawn": [p.uscc for p in draw.picks[:drawn]],
        "selected": [p.uscc for p in draw.picks],
        "batches": [p.batch for p in draw.picks],
        "replacements": [[p.replaces, p.uscc] for p in draw.picks if p.replaces],
        "voided": draw.log[-1].kind == "voided",
        "log_head": draw.log[-1].hash,
    }
    if draw.profile.tickets == AES_TICKETS:  # the 32-byte AES message of every eligible entity (docs/draw-spec.md §6.4)
        usccs = sorted(u for members in groups.values() for u in members)
        found["ticket_messages"] = {u: aes_messages([u.encode("utf-8")]).hex() for u in usccs}
    return found


def published(make: Any, package: dict[str, Any]) -> dict[str, Any]:
    """The public record of a case; for the assignment cases of issue 23 also the teams by credential number, as the
    draw service publishes them (`assignments`, checked by `teams.logged`). The earlier cases are kept as they were."""
    record = public_record(package)
    if make in path_cases.CASES and "assignment" in package:
        record["assignments"] = public_assignments(package)
    return record


def document() -> dict[str, Any]:
    cases = []
    for make in CASES:
        made: tuple[Any, ...] = make()
        draw, description = made[:2]
        package = made[2] if len(made) > 2 else draw.auditor_package()
        name = make.__name__.replace("_", "-") if len(made) > 2 else str(draw.task["task_id"]).removeprefix("T-")
        cases.append(
            {
                "name": name,
                "description": description,
                "expected": {**expected(draw), **(made[3] if len(made) > 3 else {})},
                "package": package,
                "public_record": published(make, package),
            }
        )
    return {
        "format": FORMAT,
        "generator": "python -m hrss.drawkit.vectors.generate",
        "note": NOTE,
        "cases": cases,
        "invalid_cases": [make() for make in path_cases.INVALID],
    }


def render() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="写出随机抽取的测试向量")
    parser.add_argument("output", nargs="?", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="只比较，不写入；不一致时退出码为 1")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        same = args.output.exists() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'differs from the generator'}")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(json.loads(text)['cases'])} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
