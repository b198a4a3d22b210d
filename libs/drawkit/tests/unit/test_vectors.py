"""The published test vectors: they regenerate byte for byte, verify, recompute from first principles, and every
kind of tampering is named by the check that catches it (also through the CLI)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from hrss.drawkit import log as draw_log
from hrss.drawkit import merkle
from hrss.drawkit.assignment import public_assignments
from hrss.drawkit.encoding import SHA256, available, canonical_json, profile
from hrss.drawkit.frame import FrameColumns, FrameEntry, snapshot_lines
from hrss.drawkit.package import DrawProcedure, plan_from, public_pick, public_record
from hrss.drawkit.sampling import DrawPlan, ItemRule, Pick, item_quotas
from hrss.drawkit.stream import file_blocks, read_block
from hrss.drawkit.vectors import generate
from hrss.drawkit.verify import Report, verify_auditor, verify_public, verify_streamed

VECTORS = Path(generate.__file__).with_name("vectors.json")
DOCUMENT = json.loads(VECTORS.read_text(encoding="utf-8"))
CASES = {case["name"]: case for case in DOCUMENT["cases"]}


AES_PROFILE = "hrss-draw/sha256-aes/v1"


def case_param(name: str) -> Any:
    marks = []
    name_of = CASES[name]["package"]["profile"]
    if not available(name_of):  # SM3 needs it in OpenSSL, the AES profile the `cryptography` package
        marks.append(pytest.mark.skipif(True, reason=f"this Python cannot compute the profile {name_of}"))
    return pytest.param(name, marks=marks, id=name)


ALL = [case_param(name) for name in CASES]


def package_of(name: str) -> dict[str, Any]:
    return copy.deepcopy(CASES[name]["package"])


def failing(package: Mapping[str, Any]) -> set[str]:
    return set(verify_auditor(package).names(passing=False))


# --- a reference written from the spec: hashlib only ------------------------------------------------------------


def hasher(package: Mapping[str, Any]) -> Callable[[bytes], bytes]:
    algorithm = {"hrss-draw/sha256/v1": "sha256", "hrss-draw/sm3/v1": "sm3", AES_PROFILE: "sha256"}[package["profile"]]
    return lambda data: hashlib.new(algorithm, data).digest()


def ticketer(package: Mapping[str, Any], h: Callable[[bytes], bytes]) -> Callable[[bytes, str], bytes]:
    """t(e) from the spec: H(K ‖ uscc) (§6.2), or in the fast profile the last block of AES-256-CBC with a zero IV
    over u8(len) ‖ uscc ‖ zeros to 32 bytes (§6.4), with `cryptography`'s CBC mode (drawkit uses ECB and XOR)."""
    if package["profile"] != AES_PROFILE:
        return lambda key, uscc: h(key + uscc.encode())

    def aes(key: bytes, uscc: str) -> bytes:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        u = uscc.encode()
        assert len(u) <= 31
        message = bytes([len(u)]) + u + bytes(31 - len(u))
        return Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor().update(message)[16:]

    return aes


def lp(value: bytes | str | int) -> bytes:
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).encode()
    return len(value).to_bytes(4, "big") + value


def mth(h: Callable[[bytes], bytes], leaves: Sequence[bytes]) -> bytes:
    if not leaves:
        return h(b"")
    if len(leaves) == 1:
        return h(b"\x00" + leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return h(b"\x01" + mth(h, leaves[:k]) + mth(h, leaves[k:]))


def leaf(entry: Mapping[str, Any]) -> bytes:
    fields = ("salt", "uscc", "entity_id", "region_code", "object_type", "stratum")
    line = [*(entry[f] for f in fields), str(int(entry["eligible"])), entry["reason"]]
    return "\t".join(["hrss-draw/v1/frame-line", *(unicodedata.normalize("NFC", f) for f in line)]).encode("utf-8")


def ref_seed(h: Callable[[bytes], bytes], package: Mapping[str, Any]) -> bytes:
    committed = package["commitments"]
    names = ("draw_id", "task_hash", "frame_root", "roster_root", "recusal_root")
    contributions = package["contributions"]
    encoded = [lp(lp("hrss-draw/v1/contribution") + lp(c["witness"]) + lp(c["value"])) for c in contributions]
    return h(b"".join([lp("hrss-draw/v1/seed"), *(lp(committed[n]) for n in names), lp(len(contributions)), *encoded]))


def ref_order(t: Callable[[bytes, str], bytes], key: bytes, usccs: Sequence[str]) -> list[tuple[str, str]]:
    return sorted(((u, t(key, u).hex()) for u in usccs), key=lambda p: (bytes.fromhex(p[1]), p[0].encode()))


def eligible_by_stratum(package: Mapping[str, Any]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for e in package["frame"]:
        groups.setdefault(e["stratum"], [])
        if e["eligible"]:
            groups[e["stratum"]].append(e["uscc"])
    return groups


# --- (a) regeneration -------------------------------------------------------------------------------------------


def test_generating_again_gives_the_same_file() -> None:
    assert generate.render() == VECTORS.read_text(encoding="utf-8")


def test_generating_in_another_process_with_another_hash_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "vectors.json"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "hrss.drawkit.vectors.generate", str(out)], check=True, env=env, timeout=60)
    assert out.read_bytes() == VECTORS.read_bytes()
    check = [sys.executable, "-m", "hrss.drawkit.vectors.generate", "--check", str(out)]
    assert subprocess.run(check, capture_output=True, env=env, timeout=60).returncode == 0
    out.write_text(out.read_text(encoding="utf-8").replace('"x"', '"z"', 1), encoding="utf-8")
    assert subprocess.run(check, capture_output=True, env=env, timeout=60).returncode == 1


def test_the_vectors_cover_the_edge_cases_of_the_spec() -> None:
    assert DOCUMENT["format"] == "hrss-draw-vectors/v1"
    assert set(CASES) == {
        "empty-stratum",
        "quota-equals-size",
        "full-item",
        "minimum-apportioned",
        "credit-grade",
        "batches",
        "replacement-chain",
        "expansion",
        "voided",
        "single-entity",
        "empty-frame",
        "equal-ticket-prefix",
        "sm3-profile",
        "aes-profile",
        "aes-uscc-lengths",
        "different-scopes",
        "assignment-infeasible",
        "void-before-seed",
        "stratum-exhausted",
        "text-escapes",
        "assignment-routing",
        "assignment-joint",
        "assignment-expansion",
        "assignment-balancing",
    }
    assert [c["name"] for c in DOCUMENT["invalid_cases"]] == ["non-nfc-field"]


def test_the_assignment_vector_lists_its_infeasible_entities_and_its_teams_verify() -> None:
    case = CASES["assignment-infeasible"]
    expected = case["expected"]["assignment"]
    infeasible = expected["runs"][0]["infeasible"]
    assert infeasible and all(i["eligible"] < 2 <= i["available"] for i in infeasible)
    for run, logged in zip(expected["runs"], case["package"]["assignment"]["runs"], strict=True):
        assert {u: [m["inspector_id"] for m in t] for u, t in logged["teams"].items()} == run["teams"]
        assert not set(run["teams"]) & {i["uscc"] for i in run["infeasible"]}
    assert [r["reason"] for r in expected["team_replacements"]] == ["health", "work_conflict"]
    report = verify_auditor(case["package"])
    assert {"assignment.rerun", "assignment.replacements"} <= set(report.names(passing=True))
    assert "health" not in json.dumps(case["public_record"])


def test_the_different_scopes_vector_draws_each_item_only_in_the_strata_it_names() -> None:
    case = CASES["different-scopes"]
    plan = case["package"]["plan"]
    quotas = case["expected"]["quotas"]
    for item in plan["items"]:
        for stratum, row in quotas.items():
            assert (row[item["item_id"]] > 0) == (stratum in item["strata"]), (item["item_id"], stratum)
    public_items = case["public_record"]["plan"]["items"]
    assert public_items and all("strata" not in i and "stratum_fractions" not in i for i in public_items)
    picks = case["package"]["picks"]
    assert any(set(p["items"]) == {"T1:wages", "T2:insurance"} for p in picks)


# --- (b) every vector verifies ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_every_vector_passes_the_auditor_and_public_checks(name: str) -> None:
    case = CASES[name]
    report = verify_auditor(case["package"])
    assert report.ok, [(c.name, c.detail) for c in report.checks if not c.ok]
    drawn = {"selection", "eligibility"} if case["package"]["seed"] is not None else set()  # none before a seed
    assert {"frame.root", "task.hash", *drawn} <= set(report.names())
    published = dict(case["public_record"])
    if "assignments" in published:  # the teams by credential number, as the draw service publishes them
        assert published.pop("assignments") == public_assignments(case["package"])
    assert published == public_record(case["package"])
    public = verify_public(case["public_record"])
    assert public.ok, [(c.name, c.detail) for c in public.checks if not c.ok]
    assert "frame" not in case["public_record"]
    assert all("stratum" not in p and "rank" not in p for p in case["public_record"]["picks"])


# --- (c) the expected values recompute --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_the_expected_values_recompute_from_first_principles(name: str) -> None:
    case = CASES[name]
    package, expected = case["package"], case["expected"]
    h = hasher(package)
    assert expected["frame_root"] == mth(h, [leaf(e) for e in package["frame"]]).hex()
    assert expected["frame_root"] == package["commitments"]["frame_root"]
    if package["seed"] is None:  # voided before its seed: nothing was drawn
        assert expected["seed"] is expected["draw_key"] is None and expected["stratum_order"] == {}
        assert expected["drawn"] == expected["selected"] == [] == package["picks"]
        assert [e["kind"] for e in package["log"]][-1] == "voided" and "seeded" not in str(package["log"])
        return
    seed = ref_seed(h, package)
    assert expected["seed"] == seed.hex() == package["seed"]
    key = h(lp("hrss-draw/v1/draw-key") + lp(seed))
    assert expected["draw_key"] == key.hex()

    groups = eligible_by_stratum(package)
    sizes = {s: len(u) for s, u in groups.items()}
    assert expected["sizes"] == sizes
    plan = plan_from(package["plan"])
    assert expected["quotas"] == item_quotas(plan, sizes)
    orders = {s: ref_order(ticketer(package, h), key, u) for s, u in groups.items() if u}
    assert expected["stratum_order"] == {s: [list(p) for p in o] for s, o in orders.items()}

    drawn = []
    for s, order in orders.items():
        drawn.extend(order[: max(expected["quotas"][s].values())])
    drawn.sort(key=lambda p: (bytes.fromhex(p[1]), p[0].encode()))
    assert expected["drawn"] == [u for u, _ in drawn]
    assert expected["selected"] == [p["uscc"] for p in package["picks"]]
    assert expected["batches"] == [p["batch"] for p in package["picks"]]
    assert expected["log_head"] == package["log"][-1]["hash"]
    assert expected["voided"] == (package["log"][-1]["kind"] == "voided")

    # Replay the log: a replacement is the next never-picked entity of its stratum; an expansion brings every
    # stratum's valid picks up to the largest quota of the new plan with the next never-picked ones.
    stratum_of = {e["uscc"]: e["stratum"] for e in package["frame"]}
    selected, invalid = [u for u, _ in drawn], set()
    plans = [plan_from(p) for p in package["expansion_plans"]]
    for entry in package["log"]:
        if entry["kind"] == "replaced":
            order = [u for u, _ in orders[stratum_of[entry["body"]["invalid"]]]]
            selected.append(next(u for u in order if u not in selected))
            invalid.add(entry["body"]["invalid"])
        elif entry["kind"] == "expanded":
            quotas = item_quotas(plans.pop(0), sizes)
            assert quotas in expected["expansion_quotas"]
            for s in sorted(orders):
                valid = sum(1 for u in selected if stratum_of[u] == s and u not in invalid)
                fresh = [u for u, _ in orders[s] if u not in selected]
                selected.extend(fresh[: max(0, max(quotas[s].values()) - valid)])
    assert expected["selected"] == selected
    assert [[r, u] for r, u in expected["replacements"]] == [
        [p["replaces"], p["uscc"]] for p in package["picks"] if p["replaces"]
    ]


def test_a_stratum_without_eligible_entities_gets_nothing() -> None:
    expected = CASES["empty-stratum"]["expected"]
    assert expected["sizes"] == {"330102|A|A": 8, "330102|A|B": 0}
    assert expected["quotas"] == {"330102|A|A": {"license": 3}, "330102|A|B": {"license": 0}}
    assert "330102|A|B" not in expected["stratum_order"]
    assert CASES["empty-stratum"]["public_record"]["strata"] == {"330102|A": {"frame": 12, "eligible": 8, "picked": 3}}


def test_quotas_equal_to_the_stratum_draw_every_eligible_entity() -> None:
    expected = CASES["quota-equals-size"]["expected"]
    assert all(set(q.values()) == {expected["sizes"][s]} for s, q in expected["quotas"].items())
    assert sorted(expected["selected"]) == sorted(u for o in expected["stratum_order"].values() for u, _ in o)


def test_a_full_item_covers_every_eligible_entity_and_a_partial_item_the_first_ranks() -> None:
    case = CASES["full-item"]
    eligible = {e["uscc"] for e in case["package"]["frame"] if e["eligible"]}
    assert set(case["expected"]["selected"]) == eligible
    for pick in case["package"]["picks"]:
        quota = case["expected"]["quotas"][pick["stratum"]]["license"]
        assert ("license" in pick["items"]) == (pick["rank"] < quota)


def test_a_minimum_is_apportioned_by_largest_remainder_with_ties_to_the_smaller_key() -> None:
    quotas = CASES["minimum-apportioned"]["expected"]["quotas"]
    assert [quotas[s]["min7"] for s in sorted(quotas)] == [2, 2, 3]
    assert [quotas[s]["min2"] for s in sorted(quotas)] == [1, 0, 1]


def test_a_worse_grade_is_drawn_at_its_raised_ratio_and_published_without_its_grade() -> None:
    case = CASES["credit-grade"]
    assert [case["expected"]["quotas"][s]["routine"] for s in sorted(case["expected"]["quotas"])] == [1, 1, 3, 2]
    assert case["public_record"]["strata"] == {"330102|A": {"frame": 34, "eligible": 34, "picked": 7}}
    assert "stratum_fractions" not in case["public_record"]["plan"]


def test_batches_chunk_the_picks_in_global_ticket_order() -> None:
    case = CASES["batches"]
    assert case["expected"]["batches"] == [1] * 4 + [2] * 4 + [3] * 4 + [4] * 3
    tickets = [p["ticket"] for p in case["package"]["picks"]]
    assert tickets == sorted(tickets)
    assert len({p["stratum"] for p in case["package"]["picks"] if p["batch"] == 1}) == 2


def test_a_replacement_chain_replaces_the_replacement() -> None:
    chain = CASES["replacement-chain"]["expected"]["replacements"]
    assert len(chain) == 2 and chain[1][0] == chain[0][1]
    assert chain[0][0] in CASES["replacement-chain"]["expected"]["drawn"]


def test_an_expansion_keeps_earlier_picks_and_adds_a_batch() -> None:
    expected = CASES["expansion"]["expected"]
    assert expected["selected"][: len(expected["drawn"])] == expected["drawn"]
    count = len(expected["drawn"]) + len(expected["replacements"])
    assert set(expected["batches"][count:]) == {2} and set(expected["batches"][:count]) == {1}
    assert expected["expansion_quotas"] == [{"330102|A|A": {"x": 5}, "330103|B|A": {"x": 3}}]


def test_a_voided_draw_ends_its_log_with_the_void() -> None:
    log = CASES["voided"]["package"]["log"]
    assert [e["kind"] for e in log][-2:] == ["drawn", "voided"]
    assert CASES["voided"]["expected"]["voided"]


def test_the_tiny_frames() -> None:
    assert len(CASES["single-entity"]["expected"]["selected"]) == 1
    empty = CASES["empty-frame"]["expected"]
    assert empty["frame_root"] == hashlib.sha256(b"").hexdigest()
    assert empty["selected"] == [] and empty["quotas"] == {}


def test_equal_ticket_prefixes_are_ordered_by_the_full_ticket_not_by_uscc() -> None:
    case = CASES["equal-ticket-prefix"]
    order = case["expected"]["stratum_order"]["330102|A|A"]
    (last_in, ticket_in), (first_out, ticket_out) = order[11], order[12]
    assert ticket_in[:2] == ticket_out[:2] and ticket_in < ticket_out and last_in > first_out
    assert last_in in case["expected"]["selected"] and first_out not in case["expected"]["selected"]
    truncated = sorted(order, key=lambda p: (p[1][:2], p[0]))  # a wrong implementation: one ticket byte, then uscc
    assert {u for u, _ in truncated[:12]} != set(case["expected"]["selected"])


# --- (d) tampering is named -------------------------------------------------------------------------------------


def rechain(package: dict[str, Any]) -> None:
    """What a forger with write access to everything but the published commitments would do: re-hash the log."""
    previous = ""
    chosen = profile(package["profile"])
    for entry in package["log"]:
        entry["hash"] = draw_log.entry_hash(chosen, previous, entry["seq"], entry["kind"], entry["at"], entry["body"])
        previous = entry["hash"]


def swap_a_drawn_pick(package: dict[str, Any]) -> None:
    """Put an unpicked eligible entity of the same stratum, with its true ticket, in place of the first pick."""
    picks = [Pick.from_json(p) for p in package["picks"]]
    key = bytes.fromhex(CASES_BY_SEED[package["seed"]]["expected"]["draw_key"])
    order = [u for u, _ in CASES_BY_SEED[package["seed"]]["expected"]["stratum_order"][picks[0].stratum]]
    outsider = next(u for u in order if u not in {p.uscc for p in picks})
    ticket = hashlib.sha256(key + outsider.encode()).hexdigest()
    picks[0] = Pick(outsider, picks[0].stratum, order.index(outsider), ticket, picks[0].items, picks[0].batch)
    picks.sort(key=lambda p: (p.ticket, p.uscc))
    package["picks"] = [p.to_json() for p in picks]


CASES_BY_SEED = {case["package"]["seed"]: case for case in DOCUMENT["cases"]}


def test_a_swapped_pick_is_caught_by_the_logged_digest() -> None:
    package = package_of("credit-grade")
    swap_a_drawn_pick(package)
    assert failing(package) == {"picks.logged"}


def test_a_swapped_pick_with_a_rewritten_log_is_caught_by_the_re_draw() -> None:
    package = package_of("credit-grade")
    swap_a_drawn_pick(package)
    drawn = next(e for e in package["log"] if e["kind"] == "drawn")
    drawn["body"]["picks_hash"] = SHA256.hash(canonical_json([public_pick(p) for p in package["picks"]])).hex()
    rechain(package)
    assert verify_public(public_record(package)).ok  # the public cannot tell …
    assert failing(package) == {"selection"}  # … the auditor can


def test_a_forged_replacement_is_caught_by_the_re_draw() -> None:
    package = package_of("replacement-chain")
    order = [u for u, _ in CASES["replacement-chain"]["expected"]["stratum_order"]["330102|A|A"]]
    last = package["picks"][-1]
    taken = {p["uscc"] for p in package["picks"]}
    other = next(u for u in order if u not in taken)
    key = bytes.fromhex(CASES["replacement-chain"]["expected"]["draw_key"])
    last.update(uscc=other, rank=order.index(other), ticket=hashlib.sha256(key + other.encode()).hexdigest())
    package["log"][-1]["body"]["pick"] = public_pick(last)
    rechain(package)
    assert failing(package) == {"selection"}


def test_a_changed_salt_is_caught_by_the_frame_root() -> None:
    package = package_of("replacement-chain")
    salt = package["frame"][3]["salt"]
    package["frame"][3]["salt"] = ("1" if salt[0] != "1" else "2") + salt[1:]
    assert failing(package) == {"frame.root"}


def test_a_changed_contribution_is_caught_by_the_log_and_the_seed() -> None:
    package = package_of("batches")
    package["contributions"][1]["value"] = "27182818284590452354"
    assert failing(package) == {"contributions.logged", "seed"}


def test_a_changed_contribution_with_a_rewritten_log_is_caught_by_the_seed() -> None:
    package = package_of("batches")
    package["contributions"][1]["value"] = "27182818284590452354"
    next(e for e in package["log"] if e["kind"] == "contribution" and e["seq"] == 3)["body"]["value"] = (
        "27182818284590452354"
    )
    rechain(package)
    assert failing(package) == {"seed"}


def test_a_changed_log_entry_is_caught_by_the_chain() -> None:
    package = package_of("expansion")
    package["log"][4]["at"] = "2026-03-02T09:00:59+08:00"
    assert failing(package) == {"log.chain"}


def test_a_changed_void_reason_is_caught_by_the_chain() -> None:
    package = package_of("voided")
    package["log"][-1]["body"]["reason"] = "无"
    assert failing(package) == {"log.chain"}


def test_a_changed_task_is_caught_by_the_task_hash() -> None:
    package = package_of("full-item")
    package["task"]["name"] = "另一个任务"
    assert failing(package) == {"task.hash"}


def test_a_changed_ticket_is_caught_by_the_tickets() -> None:
    package = package_of("single-entity")
    package["picks"][0]["ticket"] = "00" * 32
    assert "tickets" in failing(package)


def test_a_changed_pick_in_a_public_record_fails_its_public_checks() -> None:
    record = copy.deepcopy(CASES["batches"]["public_record"])
    record["picks"][0], record["picks"][1] = record["picks"][1], record["picks"][0]
    assert set(verify_public(record).names(passing=False)) == {"picks.logged", "batches"}


# --- the CLI ----------------------------------------------------------------------------------------------------


def run_cli(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "hrss.drawkit.verify", str(path), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_the_cli_passes_a_vector_and_its_public_record(tmp_path: Path) -> None:
    for kind, document in (("package", package_of("expansion")), ("public", CASES["expansion"]["public_record"])):
        path = tmp_path / f"{kind}.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        done = run_cli(path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "all checks pass" in done.stdout
    done = run_cli(tmp_path / "package.json", "--json")
    assert done.returncode == 0 and all(c["ok"] for c in json.loads(done.stdout))


def test_the_cli_fails_a_tampered_vector_and_names_the_check(tmp_path: Path) -> None:
    package = package_of("expansion")
    package["frame"][0]["salt"] = "f" * 32
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    done = run_cli(path)
    assert done.returncode == 1
    assert "FAIL  frame.root" in done.stdout
    report = json.loads(run_cli(path, "--json").stdout)
    assert [c["name"] for c in report if not c["ok"]] == ["frame.root"]


def test_the_cli_exits_2_on_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    assert run_cli(path).returncode == 2
    assert run_cli(tmp_path / "missing.json").returncode == 2


# --- defects these tests found, fixed and kept as regressions ---------------------------------------------


def small_draw(plan: DrawPlan | None = None) -> DrawProcedure:
    entries = [FrameEntry(f"U{i:02d}", f"e{i}", "330102", "A", "330102|A|A", True, "", f"{i:032x}") for i in range(12)]
    ticks = iter(range(100))
    draw = DrawProcedure(
        SHA256,
        "D-defect",
        {"task_id": "T"},
        entries,
        plan or DrawPlan((ItemRule("x", Fraction(1, 4)),)),
        lambda: f"2026-03-02T09:00:{next(ticks):02d}+08:00",
        "00",
        "00",
        "dice",
    )
    draw.contribute("w", "1234")
    return draw


def test_an_invalid_pick_is_replaced_only_once() -> None:
    draw = small_draw()
    first = draw.draw()[0]
    draw.replace(first.uscc, "已注销")
    with pytest.raises(ValueError):
        draw.replace(first.uscc, "再次替换")


def test_a_log_with_a_second_draw_fails_its_order() -> None:
    draw = small_draw()
    draw.draw()
    log = list(draw.log)
    log.append(draw_log.append(SHA256, log, "seeded", "2026-03-02T10:00:00+08:00", {"seed": "ab" * 32}))
    log.append(draw_log.append(SHA256, log, "drawn", "2026-03-02T10:00:01+08:00", {"picks": 3, "picks_hash": "cd"}))
    package = {**draw.auditor_package(), "log": [e.to_json() for e in log]}
    assert "log.order" in failing(package)


def test_an_invalid_map_that_differs_from_the_log_fails() -> None:
    draw = small_draw()
    draw.draw()
    draw.replace(draw.picks[0].uscc, "已注销")
    package = draw.auditor_package()
    package["invalid"] = {draw.picks[1].uscc: "已注销"}
    assert failing(package)


def test_an_expansion_plan_that_differs_from_its_logged_hash_fails() -> None:
    draw = small_draw()
    draw.draw()
    draw.expand(DrawPlan((ItemRule("x", Fraction(1, 2)),)), "扩大")
    package = draw.auditor_package()
    package["expansion_plans"][0]["items"][0]["minimum"] = 1  # the same picks, another plan
    assert failing(package)


def test_a_draw_voided_before_its_seed_verifies() -> None:
    draw = small_draw()
    draw.void("公证员缺席")
    assert failing(draw.auditor_package()) == set()


def test_a_stratum_drawn_at_a_ratio_of_zero_verifies() -> None:
    draw = small_draw(DrawPlan((ItemRule("x", Fraction(1, 4)),), {"330102|A|A": Fraction(0)}))
    draw.draw()
    assert draw.picks == []
    assert failing(draw.auditor_package()) == set()


def test_quotas_of_a_zero_stratum_fraction_are_zero() -> None:
    plan = DrawPlan((ItemRule("x", Fraction(1, 2)),), {"S": Fraction(0)})
    assert item_quotas(plan, {"S": 10, "T": 10}) == {"S": {"x": 0}, "T": {"x": 5}}


# --- (e) the streamed verifier: the frame from its snapshot file ------------------------------------------------


def snapshot_file(package: Mapping[str, Any], path: Path) -> Path:
    path.write_bytes(b"".join(snapshot_lines(*FrameColumns.from_json(package["frame"]).fields())))
    return path


def streamed_report(package: Mapping[str, Any], path: Path, workers: int = 1) -> Report:
    """verify_streamed of the package without its frame, the frame read from the snapshot file at `path`."""
    without = {k: v for k, v in package.items() if k != "frame"}
    return verify_streamed(without, file_blocks(path), read_block, workers)


def streamed_failing(package: Mapping[str, Any], path: Path) -> set[str]:
    return set(streamed_report(package, snapshot_file(package, path)).names(passing=False))


@pytest.mark.parametrize("name", ALL)
def test_every_vector_passes_the_streamed_verifier_with_the_same_checks(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of 4 lines (the vectors are small): the streamed checks are the in-memory ones, by name and result."""
    monkeypatch.setattr(merkle, "SUBTREE", 4)
    package = CASES[name]["package"]
    whole = verify_auditor(package)
    streamed = streamed_report(package, snapshot_file(package, tmp_path / "frame.tsv"))
    assert [(c.name, c.ok) for c in streamed.checks] == [(c.name, c.ok) for c in whole.checks]
    assert streamed.ok and "frame.root" in streamed.names()


def test_a_changed_line_of_the_snapshot_file_is_caught_by_the_frame_root(tmp_path: Path) -> None:
    package = package_of("replacement-chain")
    path = snapshot_file(package, tmp_path / "frame.tsv")
    lines = path.read_bytes().split(b"\n")
    lines[3] = (b"1" if lines[3][:1] != b"1" else b"2") + lines[3][1:]  # its salt
    path.write_bytes(b"\n".join(lines))
    assert set(streamed_report(package, path).names(passing=False)) == {"frame.root"}


def test_a_forged_replacement_is_caught_by_the_streamed_re_draw(tmp_path: Path) -> None:
    package = package_of("replacement-chain")
    order = [u for u, _ in CASES["replacement-chain"]["expected"]["stratum_order"]["330102|A|A"]]
    last = package["picks"][-1]
    other = [u for u in order if u not in {p["uscc"] for p in package["picks"]}][-1]  # beyond every claimed pick
    key = bytes.fromhex(CASES["replacement-chain"]["expected"]["draw_key"])
    last.update(uscc=other, rank=order.index(other), ticket=hashlib.sha256(key + other.encode()).hexdigest())
    package["log"][-1]["body"]["pick"] = public_pick(last)
    rechain(package)
    assert failing(package) == streamed_failing(package, tmp_path / "frame.tsv") == {"selection"}


def test_an_expansion_that_claims_too_few_picks_is_caught_by_the_streamed_replay(tmp_path: Path) -> None:
    """Its last pick in ticket order dropped from the record (and from the log, rechained): the stream kept the
    stratum only up to the remaining picks, and the replay, needing one more, proves the record wrong."""
    package = package_of("expansion")
    entry = next(e for e in package["log"] if e["kind"] == "expanded")
    added = entry["body"]["picks"]
    by_stratum = {p["uscc"]: p["stratum"] for p in package["picks"]}
    dropped = max(added, key=lambda p: p["ticket"])
    stratum = by_stratum[dropped["uscc"]]
    assert dropped["ticket"] == max(p["ticket"] for p in package["picks"] if p["stratum"] == stratum)
    entry["body"]["picks"] = [p for p in added if p["uscc"] != dropped["uscc"]]
    package["picks"] = [p for p in package["picks"] if p["uscc"] != dropped["uscc"]]
    rechain(package)
    assert failing(package) == {"selection"}
    report = streamed_report(package, snapshot_file(package, tmp_path / "frame.tsv"))
    assert set(report.names(passing=False)) == {"selection"}
    detail = dict((c.name, c.detail) for c in report.checks)["selection"]
    assert "needs an entity beyond the claimed picks" in detail  # a prefix read as if it were the whole stratum
    # would replay exactly the forged record, and pass


def test_an_unreadable_snapshot_file_fails_the_frame_checks_by_name(tmp_path: Path) -> None:
    package = package_of("batches")
    path = tmp_path / "frame.tsv"
    path.write_bytes(b"not\ta\tframe\n")
    report = streamed_report(package, path)
    assert set(report.names(passing=False)) == {"frame.root", "selection", "eligibility"}


def test_the_verifier_cli_streams_the_frame_from_its_snapshot_file(tmp_path: Path) -> None:
    package = package_of("expansion")
    frame = snapshot_file(package, tmp_path / "frame.tsv")
    record = tmp_path / "package.json"
    record.write_text(json.dumps({k: v for k, v in package.items() if k != "frame"}), encoding="utf-8")
    command = [sys.executable, "-m", "hrss.drawkit.verify", str(record), "--frame", str(frame), "--workers", "2"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS  frame.root" in done.stdout and "PASS  selection" in done.stdout
    frame.write_bytes(frame.read_bytes().replace(b"\t1\t\n", b"\t0\tclosed\n", 1))  # an eligible leaf changed
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "FAIL  frame.root" in done.stdout
    missing = [*command[:5], str(tmp_path / "nowhere.tsv")]
    assert subprocess.run(missing, capture_output=True, text=True, timeout=120).returncode == 2


# --- (f) the vectors of issue 23 §1: paths no earlier vector took ------------------------------------------------


def canonical(value: Any) -> bytes:
    """Canonical JSON written from the rules of docs/draw-spec.md §3 alone, without the json module: NFC text, keys
    sorted by code point, `"` `\\` and the control characters below U+0020 escaped (\\b \\t \\n \\f \\r, otherwise
    \\u00xx in lower case), everything else (DEL, U+2028, non-ASCII) as UTF-8, integers in plain decimal."""
    if value is None:
        return b"null"
    if value is True or value is False:
        return b"true" if value else b"false"
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, str):
        short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
        text = unicodedata.normalize("NFC", value)
        out = "".join(short.get(c, f"\\u{ord(c):04x}" if ord(c) < 0x20 else c) for c in text)
        return f'"{out}"'.encode()
    if isinstance(value, list):
        return b"[" + b",".join(canonical(v) for v in value) + b"]"
    items = sorted((unicodedata.normalize("NFC", k), v) for k, v in value.items())
    return b"{" + b",".join(canonical(k) + b":" + canonical(v) for k, v in items) + b"}"


def test_canonical_json_written_from_the_spec_gives_the_hashed_bytes_of_the_escapes_vector() -> None:
    case = CASES["text-escapes"]
    package, wanted = case["package"], case["expected"]["canonical_json_hex"]
    assert canonical(package["task"]).hex() == wanted["task"]
    assert hashlib.sha256(canonical(package["task"])).hexdigest() == package["commitments"]["task_hash"]
    assert [canonical(e["body"]).hex() for e in package["log"]] == wanted["log_bodies"]
    task = bytes.fromhex(wanted["task"]).decode()
    assert '"Ａ":1180591620717411303424,"😀":1' in task  # code point order, not UTF-16's
    assert "\\u0000" in task and "\\u001f" in task and "\x7f" in task and "\u2028" in task and "Café" in task


def test_the_snapshot_splits_on_line_feeds_only() -> None:
    case = CASES["text-escapes"]
    snapshot = bytes.fromhex(case["expected"]["snapshot_hex"])
    lines = snapshot.split(b"\n")
    assert lines[-1] == b"" and len(lines) - 1 == len(case["package"]["frame"])
    leaves = [b"hrss-draw/v1/frame-line\t" + line for line in lines[:-1]]
    assert mth(lambda data: hashlib.sha256(data).digest(), leaves).hex() == case["package"]["commitments"]["frame_root"]
    text = snapshot.decode("utf-8")
    assert len(text.splitlines()) > len(lines) - 1  # a general line splitter breaks a leaf apart
    assert any("\u2028" in e["entity_id"] for e in case["package"]["frame"])


def test_a_replacement_in_an_exhausted_stratum_is_refused_and_an_expansion_leaves_a_shortfall() -> None:
    case = CASES["stratum-exhausted"]
    expected, package = case["expected"], case["package"]
    [refused] = expected["refused"]
    assert refused["invalid"] not in package["invalid"] and refused["invalid"] in expected["selected"]
    assert [e["kind"] for e in package["log"]].count("replaced") == 1
    assert expected["shortfall"] == {"330102|A|A": {"x": 1}}
    expanded = next(e for e in package["log"] if e["kind"] == "expanded")["body"]["picks"]
    stratum = {e["uscc"]: e["stratum"] for e in package["frame"]}
    assert expanded and {stratum[p["uscc"]] for p in expanded} == {"330103|B|A"}


def test_the_assignment_vectors_record_the_runs_the_package_holds() -> None:
    for name in ("assignment-routing", "assignment-joint", "assignment-expansion", "assignment-balancing"):
        case = CASES[name]
        runs, logged = case["expected"]["assignment"]["runs"], case["package"]["assignment"]["runs"]
        assigned = [e for e in case["package"]["log"] if e["kind"] == "assigned"]
        assert len(runs) == len(logged) == len(assigned)
        for run, kept, entry in zip(runs, logged, assigned):
            assert {u: [m["inspector_id"] for m in t] for u, t in kept["teams"].items()} == run["teams"]
            assert {e["uscc"]: e["node"] for e in kept["entities"]} == run["nodes"]
            assert entry["body"]["team_size"] == run["team_size"] and entry["body"]["draw_date"] == run["draw_date"]
            assert sorted(entry["body"]["infeasible"]) == [i["uscc"] for i in run["infeasible"]]


def test_the_routing_vector_reaches_county_city_and_province_and_both_infeasibility_reasons() -> None:
    run = CASES["assignment-routing"]["expected"]["assignment"]["runs"][0]
    by_region = {u[1:7]: node for u, node in run["nodes"].items()}
    assert by_region == {"330102": "330102", "330105": "330100", "330203": "330200", "331002": "330000"}
    assert {i["reason"] for i in run["infeasible"]} == {"too_few_in_node", "too_few_qualified"}


def test_the_joint_vector_uses_the_larger_team_and_the_first_task_of_a_pick() -> None:
    case = CASES["assignment-joint"]
    run = case["expected"]["assignment"]["runs"][0]
    assert run["team_size"] == 3 and all(len(t) == 3 for t in run["teams"].values())
    items = {p["uscc"]: p["items"] for p in case["package"]["picks"]}
    for uscc, node in run["nodes"].items():
        if "T1:wage" in items[uscc]:
            assert node == uscc[1:7]  # T1 first: its implementing county
        else:
            assert node == ("330100" if uscc[1:7] == "330102" else "330106")  # T2 alone: its node or county


def test_the_expansion_vector_assigns_the_expansion_and_the_replacement_of_an_expansion_pick() -> None:
    case = CASES["assignment-expansion"]
    kinds = [e["kind"] for e in case["package"]["log"]]
    assert kinds[-6:] == ["drawn", "assigned", "expanded", "assigned", "replaced", "assigned"]
    last = case["package"]["picks"][-1]
    replaced = next(p for p in case["package"]["picks"] if p["uscc"] == last["replaces"])
    assert last["batch"] == replaced["batch"] == 2 and last["items"] == replaced["items"]


def test_the_balancing_vector_shifts_work_along_a_path() -> None:
    run = CASES["assignment-balancing"]["expected"]["assignment"]["runs"][0]
    greedy_loads = Counter(i for team in run["greedy_teams"].values() for i in team)
    assert max(greedy_loads.values()) - min(greedy_loads.values()) == 2
    assert sum(run["greedy_teams"][u] != run["teams"][u] for u in run["teams"]) >= 2
    assert set(run["loads"].values()) == {2}


@pytest.mark.parametrize("invalid", DOCUMENT["invalid_cases"], ids=lambda c: c["name"])
def test_every_invalid_vector_fails_the_checks_it_names(invalid: dict[str, Any], tmp_path: Path) -> None:
    assert set(verify_auditor(invalid["package"]).names(passing=False)) == set(invalid["failing"])
    assert verify_public(invalid["public_record"]).ok  # the public record holds no leaf
    lines = [
        "\t".join([*(e[f] for f in ("salt", "uscc", "entity_id", "region_code", "object_type", "stratum")),
                   "1" if e["eligible"] else "0", e["reason"]]).encode() + b"\n"
        for e in invalid["package"]["frame"]
    ]  # fmt: skip
    path = tmp_path / "frame.tsv"
    path.write_bytes(b"".join(lines))
    assert set(streamed_report(invalid["package"], path).names(passing=False)) == set(invalid["failing"])
    done = run_cli(write_json(tmp_path / "package.json", invalid["package"]))
    assert done.returncode == 1 and all(f"FAIL  {name}" in done.stdout for name in invalid["failing"])


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_published_teams_of_the_assignment_vectors_are_checked_against_the_log() -> None:
    record = copy.deepcopy(CASES["assignment-routing"]["public_record"])
    assert "teams.logged" in verify_public(record).names()
    team = next(iter(record["assignments"][0]["teams"].values()))
    team[0] = "C-forged"
    assert set(verify_public(record).names(passing=False)) == {"teams.logged"}
    record = copy.deepcopy(CASES["assignment-joint"]["public_record"])
    record["assignments"].pop()
    assert set(verify_public(record).names(passing=False)) == {"teams.logged"}
