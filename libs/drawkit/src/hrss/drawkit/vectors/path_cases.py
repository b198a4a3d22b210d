"""The vector cases of the paths no earlier vector took (issue 23 §1): a void before the seed, a stratum running out
of entities, text that a general line splitter or a careless JSON writer gets wrong, the assignment's routing to
county, city and province, infeasibility for too few in the node and too few qualified, tasks drawn jointly, an
expansion's assignment run and the replacement of an expansion pick, a balancing shift; and one invalid record, a
frame field not in NFC, that every verifier must refuse (docs/draw-spec.md §12, "Conformance")."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from fractions import Fraction
from typing import Any
from unittest import mock

from hrss.drawkit import frame as frames
from hrss.drawkit import merkle
from hrss.drawkit.encoding import canonical_json
from hrss.drawkit.frame import FrameColumns, FrameEntry, snapshot_lines
from hrss.drawkit.package import DrawProcedure, public_record
from hrss.drawkit.sampling import item_quotas, strata
from hrss.drawkit.vectors import assignment_worlds
from hrss.drawkit.vectors.assignment_case import Draw
from hrss.drawkit.vectors.building import OTHER, A, Frame, builder, item, plan

# Each case returns (draw, description) or (draw, description, package, extra expected values).
Made = tuple[Any, ...]

# Characters Python's str.splitlines() (and other general line splitters) break lines at, besides LF and CR:
# VT, FF, FS, GS, RS, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. Allowed in a frame field; the snapshot splits on LF.
SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def void_before_seed() -> Made:
    draw = builder("void-before-seed", Frame("void-before-seed").add(A, 6), plan(item("x", Fraction(1, 3))))
    draw.void("见证人对骰子有异议，本次抽取作废")
    return draw, (
        "voided after the contributions and before the seed: the record has no seed, no pick and no draw key; it "
        "verifies (a void ends the log)"
    )


def stratum_exhausted() -> Made:
    draw = builder(
        "stratum-exhausted", Frame("stratum-exhausted").add(A, 5, 1).add(OTHER, 8), plan(item("x", Fraction(3, 4)))
    )
    picks = draw.draw()
    in_a = [p for p in picks if p.stratum == A]
    draw.replace(in_a[0].uscc, "已注销")  # takes the fifth and last eligible entity of A
    try:
        draw.replace(in_a[1].uscc, "停业")
    except LookupError as error:
        refused = {"step": "replace", "invalid": in_a[1].uscc, "error": str(error)}
    else:  # pragma: no cover
        raise AssertionError("the stratum should have had no entity left")
    wider = plan(item("x", Fraction(1)))
    draw.expand(wider, "全面检查")
    sizes = {key: len(members) for key, members in strata(draw.frame).items()}
    quotas = item_quotas(wider, sizes)
    valid = Counter(p.stratum for p in draw.picks if p.uscc not in draw.invalid)
    shortfall = {key: {"x": quotas[key]["x"] - valid[key]} for key in sorted(sizes) if quotas[key]["x"] > valid[key]}
    return (
        draw,
        (
            "stratum A has 5 eligible entities and a quota of 4: a replacement takes the fifth, a second replacement "
            "finds none left and is refused (nothing is logged and the pick stays valid); an expansion to 100% then "
            "adds A's shortfall of one to nobody, and OTHER's two remaining entities as batch 2"
        ),
        draw.auditor_package(),
        {"refused": [refused], "shortfall": shortfall},
    )


def text_escapes() -> Made:
    frame = Frame("text-escapes").add(A, 6)
    frame.entries[2] = replace(frame.entries[2], entity_id=f"ent-0003{SEPARATORS}尾")
    task_fields = {
        "name": 'quote " backslash \\ slash / tab \t LF \n CR \r NUL \x00 US \x1f DEL \x7f LS \u2028 PS \u2029',
        "decomposed": "Cafe\u0301",  # hashed in NFC: "Café"
        "astral": "𠀋😀",
        "keys": {"a": 0, "é": -1, "Ａ": 2**70, "😀": 1, "Z": True, "b": None},
    }
    witnesses = (("实施机关\u2028（第一位）", '314159"26'), ("监督机关\t（第二位）", "2718\\2818"))
    draw = builder("text-escapes", frame, plan(item("x", Fraction(1, 2))), task_fields=task_fields,
                   contributions=witnesses)  # fmt: skip
    draw.replace(draw.draw()[0].uscc, "已注销\n（“吊销”）\\")
    columns = FrameColumns.of(draw.frame).fields()
    return (
        draw,
        (
            "text a careless implementation gets wrong: a frame field holding VT, FF, FS, GS, RS, NEL, U+2028 and "
            "U+2029 (the snapshot file splits lines on LF only), and a task, contributions and a replacement reason "
            "whose canonical JSON escapes quote, backslash and control characters (\\n, \\t, \\r, \\u0000 in lower "
            "case hex), writes DEL, U+2028, U+2029 and non-ASCII as UTF-8, normalises to NFC, sorts keys by code "
            "point (Ａ U+FF21 before 😀 U+1F600, unlike UTF-16 order) and writes 2^70 and -1 as plain integers"
        ),
        draw.auditor_package(),
        {
            "canonical_json_hex": {
                "task": canonical_json(draw.task).hex(),
                "log_bodies": [canonical_json(dict(e.body)).hex() for e in draw.log],
            },
            "snapshot_hex": b"".join(snapshot_lines(*columns)).hex(),
        },
    )


def assignment_expected(draw: Draw, greedy: bool = False) -> dict[str, Any]:
    """What an independent implementation must re-derive of the assignment: K_a and every run's teams (inspector ids
    in ticket order), infeasible entities with counts, non-zero loads, team size and draw date; with `greedy`, also
    the teams after step 1 alone (§5.3), before the balancing of §5.4."""
    runs = []
    for inputs, result in draw.results:
        run: dict[str, Any] = {
            "team_size": inputs.team_size,
            "draw_date": inputs.draw_date.isoformat(),
            "nodes": {e.uscc: e.node for e in inputs.entities},
            "teams": {u: [m.inspector_id for m in team] for u, team in sorted(result.teams.items())},
            "infeasible": [
                {"uscc": i.uscc, "reason": i.reason, "available": i.available, "qualified": i.qualified,
                 "eligible": i.eligible}
                for i in result.infeasible
            ],
            "loads": {k: v for k, v in sorted(result.loads.items()) if v},
        }  # fmt: skip
        if greedy:
            run["greedy_teams"] = assignment_worlds.greedy(inputs, draw.key)
        runs.append(run)
    return {"assignment": {"assign_key": draw.key.hex(), "runs": runs, "team_replacements": []}}


def assignment_routing() -> Made:
    draw = assignment_worlds.routing()
    return (
        draw.builder,
        (
            "a province's unified task (330000) implemented by the city 330100, its county 330102 and the city 330200: "
            "entities of 330102 go to the county, of 330105 to the city 330100 (the deepest implementing node that "
            "holds them), of 330203 to the city 330200, of 331002 (held by no implementing node) to the province; "
            "330200 has one inspector (too_few_in_node), and in 330100 one inspector holds the social-insurance "
            "qualification (too_few_qualified for the picks drawn for it)"
        ),
        draw.package(),
        assignment_expected(draw),
    )


def assignment_joint() -> Made:
    draw = assignment_worlds.joint()
    return (
        draw.builder,
        (
            "two unified tasks of the city 330100 drawn jointly, teams of 2 (T1, implemented by 330102 and 330106) and "
            "3 (T2, implemented by 330106): every run uses the larger, 3; a pick drawn for both tasks goes to T1's "
            "node (the first task of the committed list whose items it carries), a pick of 330102 drawn for T2 only "
            "to T2's own node 330100, which no implementing node of T2 holds"
        ),
        draw.package(),
        assignment_expected(draw),
    )


def assignment_expansion() -> Made:
    draw = assignment_worlds.expansion()
    return (
        draw.builder,
        (
            "three assignment runs: the initial picks; an expansion (wage 1/4 → 1/2, social insurance 1/8 → 1/4), "
            "whose new picks (batch 2) get a run of their own; and the replacement of an expansion pick, whose "
            "replacement inherits its items and batch 2 and gets a run of its own. Each run starts at load 0"
        ),
        draw.package(),
        assignment_expected(draw),
    )


def assignment_balancing() -> Made:
    draw = assignment_worlds.balancing()
    return (
        draw.builder,
        (
            "a balancing shift (docs/draw-assignment.md §5.4): after the greedy step (expected greedy_teams) one "
            "inspector is at load 3 and another at 1; the search finds an improving path through two teams, and "
            "shifting along it leaves every load at 2"
        ),
        draw.package(),
        assignment_expected(draw, greedy=True),
    )


CASES = (
    void_before_seed,
    stratum_exhausted,
    text_escapes,
    assignment_routing,
    assignment_joint,
    assignment_expansion,
    assignment_balancing,
)


# --- invalid records: every verifier must fail them, with the checks named -----------------------------------


@contextmanager
def _unchecked_frame() -> Iterator[None]:
    """The frame root computed over the leaves as they are, without the checks of §4.1: what a faulty platform
    that let a field not in NFC through would commit to (the reference implementation refuses to build it)."""

    def commitment(profile: Any, entries: Any) -> bytes:
        return merkle.root(profile, [e.leaf() for e in entries])

    with mock.patch.object(frames, "commitment", commitment):
        yield


def non_nfc_field() -> dict[str, Any]:
    entries = Frame("non-nfc-field").add(A, 6).entries
    bad = object.__new__(FrameEntry)
    for name, value in vars(replace(entries[3], object_type="Cafe")).items():
        object.__setattr__(bad, name, "Cafe\u0301" if name == "object_type" else value)  # "Café" decomposed (NFD)
    entries[3] = bad
    with _unchecked_frame():
        draw: DrawProcedure = builder("non-nfc-field", entries, plan(item("x", Fraction(1, 2))))
        draw.draw()
    package = json.loads(json.dumps(draw.auditor_package()))
    totals = Counter(e["stratum"] for e in package["frame"])
    eligible = Counter(e["stratum"] for e in package["frame"] if e["eligible"])
    return {
        "name": "non-nfc-field",
        "description": (
            "one leaf's object type is 'Cafe' followed by U+0301 (NFD): the record is otherwise consistent (the root "
            "is the RFC 6962 root over the leaves as they are, and the seed, picks and log follow from it), but a "
            "field not in NFC is refused (§4.1), so the snapshot fails verification; the public record, which holds "
            "no leaf, verifies"
        ),
        "failing": ["frame.root", "selection", "eligibility"],
        "package": package,
        "public_record": public_record(package, (totals, eligible)),
    }


INVALID = (non_nfc_field,)
