#!/usr/bin/env python
"""Benchmark: the post-seed draw of hrss.drawkit over N entities (default 10,000,000) in 2,000 strata at 5 %,
beside PostgreSQL on the same rows in the same run; then the frame commitment and a full re-verification.

A plain script, not a test: it prints figures and never fails on timing.

    .venv/bin/python tests/perf/bench_draw.py [--n 10000000 --strata 2000 --ratio 5% --skip-sql]

1. Writes N deterministic USCC-like codes, each in a uniform random stratum, to a TSV and COPYs the same chunks
   into `draw_frame (uscc text, stratum int)` of a throwaway database (dropped at the end).
2. Runs each heavy phase (draw_phases.py) in a child process, this script with --phase, so that each peak RSS is
   its own:
   drawkit `select_groups` with workers=1 and 2 (the groups are built first and timed apart), in the default
   profile (SHA-256 tickets; natively with hrss-drawnative, as the draw service does, and with hashlib alone, as a
   verifier does) and in the fast profile (AES tickets), PostgreSQL `ORDER BY random() LIMIT k`, the
   stratified `row_number()` over the same SHA-256 tickets (its rows must equal drawkit's picks), the frame
   commitment (columnar leaves, streamed Merkle root) and the re-verification (frame root and selection again,
   streamed from the frozen frame file).
3. Prints every figure and the targets: fast profile faster than ORDER BY random(), default profile ≥ 10× faster
   than the stratified SQL, peak memory ≤ 2 GB, freeze + commitment ≤ 60 s, re-verification ≤ 30 s.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

from draw_phases import CHUNK, PHASES, TABLE

from hrss.drawkit import PROFILES, SHA256, DrawPlan, ItemRule, draw_key
from hrss.drawkit.encoding import SHA256_AES
from hrss.drawkit.sampling import ceil_fraction

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the 31 characters of a USCC (GB 32100)
ORG_SPACE = 31**9  # nine-character organisation codes
SCRAMBLE = 2_654_435_761  # coprime to 31, so i -> i * SCRAMBLE mod 31^9 is a bijection: codes are unique
REGIONS = [f"41{city:02d}{county:02d}" for city in range(1, 18) for county in range(1, 12)]

TARGETS = {"ratio_sql": 10.0, "memory_mb": 2048.0, "freeze_s": 60.0, "verify_s": 30.0}


def parse_ratio(text: str) -> Fraction:
    return Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)


def frame_chunks(n: int, strata: int, counts: list[int]) -> Iterator[str]:
    """TSV chunks `uscc<TAB>stratum`, deterministic; `counts` receives the size of every stratum."""
    triples = ["".join(t) for t in itertools.product(CHARS, repeat=3)]
    rnd = random.Random(20261201)
    for start in range(0, n, CHUNK):
        lines = []
        for i in range(start, min(n, start + CHUNK)):
            x = i * SCRAMBLE % ORG_SPACE
            high, rest = divmod(x, 31**6)
            mid, low = divmod(rest, 31**3)
            stratum = rnd.randrange(strata)
            counts[stratum] += 1
            region = REGIONS[i % len(REGIONS)]
            lines.append(f"91{region}{triples[high]}{triples[mid]}{triples[low]}{CHARS[x % 31]}\t{stratum}\n")
        yield "".join(lines)


def run_phase(args: argparse.Namespace, name: str, dsn: str | None, **extra: object) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", name, "--dir", str(args.dir), "--n", str(args.n)]
    command += ["--strata", str(args.strata), "--ratio", args.ratio, "--key", args.key]
    extra.setdefault("profile", SHA256.name)
    if args.work_mem:
        command += ["--work-mem", args.work_mem]
    for option, value in extra.items():
        command += [f"--{option.replace('_', '-')}", str(value)]
    print(f"  phase {name} {extra} ...", file=sys.stderr, flush=True)
    env = dict(os.environ, BENCH_DRAW_DSN=dsn or "")  # not on the command line: the DSN holds a password
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_table(dsn: str, data: Path, n: int, strata: int, counts: list[int]) -> tuple[float, float, float]:
    """Generate the rows chunk by chunk, append each chunk to the TSV and COPY it; (generate s, COPY s, ANALYZE s)."""
    import psycopg2

    generated = copied = 0.0
    connection = psycopg2.connect(dsn) if dsn else None
    with data.open("w", encoding="utf-8") as out:
        cur = connection.cursor() if connection else None
        if cur:
            cur.execute(f"CREATE TABLE {TABLE} (uscc text NOT NULL, stratum int NOT NULL)")
        chunks = frame_chunks(n, strata, counts)
        while True:
            t0 = time.perf_counter()
            chunk = next(chunks, None)
            generated += time.perf_counter() - t0
            if chunk is None:
                break
            out.write(chunk)
            if cur:
                t0 = time.perf_counter()
                cur.copy_expert(f"COPY {TABLE} (uscc, stratum) FROM STDIN", io.StringIO(chunk))
                copied += time.perf_counter() - t0
    if not connection:
        return generated, 0.0, 0.0
    connection.commit()
    connection.autocommit = True
    t0 = time.perf_counter()
    connection.cursor().execute(f"VACUUM ANALYZE {TABLE}")
    analyzed = time.perf_counter() - t0
    connection.close()
    return generated, copied, analyzed


def same_rows(a: Path, b: Path) -> str:
    left, right = set(a.read_text().splitlines()), set(b.read_text().splitlines())
    if left == right:
        return f"yes ({len(left):,} rows: uscc, stratum, rank, ticket)"
    return f"NO: {len(left - right):,} only in {a.name}, {len(right - left):,} only in {b.name}"


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(args: argparse.Namespace, k: int, loading: tuple[float, float, float], r: dict[str, Any]) -> None:
    line = "{:<58}{:>9}{:>8}{:>10}{:>13}{:>12}"
    print(f"\ndraw benchmark: {args.n:,} entities, {args.strata:,} strata, ratio {args.ratio}, total quota k = {k:,}")
    print(f"profiles offered by hrss.drawkit: {', '.join(PROFILES)} (default {SHA256.name}, fast {SHA256_AES.name})")
    print(line.format("what", "seconds", "CPU s", "machine s", "peak RSS MB", "rows"))
    rows: list[tuple[str, float | None, float | None, float | None, float | None, int | None]] = [
        ("generate rows (Python, in the parent)", loading[0], None, None, None, args.n),
    ]
    if not args.skip_sql:
        rows += [(f"COPY into PostgreSQL (+ VACUUM ANALYZE {loading[2]:.1f} s)", loading[1], None, None, None, args.n)]
    w1, w2, a1, a2 = r["draw1"], r["draw2"], r["fast1"], r["fast2"]
    h1, h2 = r["hashlib1"], r["hashlib2"]
    kernel = w1["native"] or "hashlib: hrss-drawnative is not installed"
    rows += [
        ("build groups from the TSV (RSS after; workers=1 run)", w1["build_s"], None, None, w1["loaded_mb"], args.n)
    ]
    for label, w in (
        ("drawkit select_groups sha256 (default) workers=1", w1),
        ("drawkit select_groups sha256 (default) workers=2", w2),
        ("  the same, hashlib only (no native kernel) workers=1", h1),
        ("  the same, hashlib only (no native kernel) workers=2", h2),
        ("drawkit select_groups sha256-aes (fast) workers=1", a1),
        ("drawkit select_groups sha256-aes (fast) workers=2", a2),
    ):
        rows.append((label, w["seconds"], w["cpu"], w["machine"], w["pss_mb"] or w["peak_mb"], w["rows"]))
    for name, label in (("random", "PostgreSQL ORDER BY random() LIMIT k"), ("stratified", "PostgreSQL stratified")):
        if name in r:
            label += f" (work_mem {r[name]['work_mem']})"
            rows.append((label, r[name]["seconds"], None, r[name]["machine"], r[name]["backend_mb"], r[name]["rows"]))
    f, v, v2 = r["freeze"], r["verify"], r["verify2"]
    rows += [
        ("freeze + commitment (sort, salts, columnar leaves, root)", f["seconds"], f["cpu"], f["machine"],
         f["peak_mb"], f["rows"]),
        ("re-verification (streamed: leaves, root, selection) workers=1", v["seconds"], v["cpu"], v["machine"],
         v["peak_mb"], v["frame_rows"]),
        ("re-verification (streamed: leaves, root, selection) workers=2", v2["seconds"], v2["cpu"], v2["machine"],
         v2["peak_mb"], v2["frame_rows"]),
    ]  # fmt: skip
    for what, seconds, cpu, machine, peak, count in rows:
        figures = _fmt(seconds, ".1f"), _fmt(cpu, ".1f"), _fmt(machine, ".1f"), _fmt(peak, ",.0f"), _fmt(count, ",")
        print(line.format(what, *figures))
    print("CPU s: the phase's own processes; machine s: the whole machine's CPU meanwhile (2 CPUs, shared)")
    print(f"default profile tickets computed by {kernel}; workers=2 is 2 threads natively, 2 processes otherwise")
    print("peak memory of a drawkit workers=2 run: the sampled peak PSS of parent + workers (forked pages shared);")
    print(
        f"  RSS of its largest forked worker: default {w2['children_mb']:,.0f} MB, fast {a2['children_mb']:,.0f} MB;"
        f" peak RSS of the workers=1 runs: default {w1['peak_mb']:,.0f} MB, fast {a1['peak_mb']:,.0f} MB"
    )
    print("PostgreSQL peak RSS is the backend's VmHWM (parallel workers not counted); its CPU is only in machine s")
    print(
        f"freeze: sort {f['sort_s']:.1f} s, salts {f['salts_s']:.1f} s, columns {f['columns_s']:.1f} s, "
        f"commitment {f['commit_s']:.1f} s"
    )
    for label, w in (("workers=1", v), ("workers=2", v2)):
        print(
            f"verify {label}: bounds (tickets of the picks) {w['bounds_s']:.1f} s, "
            f"streamed chunks {w['stream_s']:.1f} s (kept {w['kept']:,} entities up to the bounds), "
            f"selection {w['select_s']:.1f} s; canonical order "
            f"{'yes' if w['ordered'] else 'NO'}, strata short of their quota {w['short']}"
        )
    cost = f["per_leaf_us"]
    print(
        f"one leaf (sample of {min(args.n, CHUNK):,}): object path FrameEntry() {cost['entry']:.2f} µs,"
        f" .leaf() {cost['leaf']:.2f} µs, merkle.leaf_hash {cost['hash']:.2f} µs; columnar path: columns"
        f" {cost['columns']:.2f} µs, leaf_hashes_columns {cost['columnar']:.2f} µs; tree {cost['tree']:.2f} µs"
    )
    picks = args.dir / "picks-w1.tsv"
    print(f"picks workers=1 = workers=2: {same_rows(picks, args.dir / 'picks-w2.tsv')}")
    for label in ("w1", "w2"):
        hashlib_same = same_rows(picks, args.dir / f"picks-hashlib-{label}.tsv")
        print(f"picks = hashlib-only picks {label}: {hashlib_same}")
    fast_same = same_rows(args.dir / "picks-aes-w1.tsv", args.dir / "picks-aes-w2.tsv")
    print(f"fast profile picks workers=1 = workers=2: {fast_same}")
    if "stratified" in r:
        print(f"stratified SQL = drawkit picks: {same_rows(picks, args.dir / 'picks-sql.tsv')}")
    for label, w in (("workers=1", v), ("workers=2", v2)):
        print(
            f"re-verification {label}: root {'matches' if w['root'] == f['root'] else 'DIFFERS'} ({f['root'][:16]}…), "
            f"picks = draw picks: {same_rows(picks, args.dir / ('picks-verify-w' + label[-1] + '.tsv'))}"
        )
    if "stratified" in r:
        print("plan of the stratified query:\n  " + "\n  ".join(r["stratified"]["explain"]))

    def verdict(ok: bool) -> str:
        return "MET" if ok else "MISSED"

    print(f"\n{'target':<58}{'measured':>24}  verdict")
    if "random" in r:
        for label, w in (("workers=1", a1), ("workers=2", a2)):
            ratio = r["random"]["seconds"] / w["seconds"]
            print(
                f"{'fast profile faster than ORDER BY random(), ' + label:<58}{f'{ratio:.2f}x':>24}  "
                f"{verdict(ratio > 1)}"
            )
        for label, w in (("workers=1", w1), ("workers=2", w2)):
            ratio = r["stratified"]["seconds"] / w["seconds"]
            print(
                f"{'default profile >= 10x faster than stratified SQL, ' + label:<58}{f'{ratio:.1f}x':>24}  "
                f"{verdict(ratio >= TARGETS['ratio_sql'])}"
            )
    else:
        print(f"{'SQL targets':<58}{'--skip-sql':>24}  NOT MEASURED")
    for label, mb in (
        ("peak memory <= 2 GB, default workers=1 (RSS)", w1["peak_mb"]),
        ("peak memory <= 2 GB, default workers=2 (PSS)", w2["pss_mb"]),
        ("peak memory <= 2 GB, fast workers=1 (RSS)", a1["peak_mb"]),
        ("peak memory <= 2 GB, fast workers=2 (PSS, all processes)", a2["pss_mb"]),
    ):
        print(f"{label:<58}{f'{mb:,.0f} MB':>24}  {verdict(mb <= TARGETS['memory_mb'])}")
    frozen = f"{f['seconds']:.1f} s"
    print(f"{'freeze + commitment <= 60 s':<58}{frozen:>24}  {verdict(f['seconds'] <= TARGETS['freeze_s'])}")
    for label, w in (("workers=1", v), ("workers=2", v2)):
        ok = w["seconds"] <= TARGETS["verify_s"] and w["root"] == f["root"] and w["same"] and w["ordered"]
        print(f"{'re-verification <= 30 s (standard library), ' + label:<58}{w['seconds']:>22.1f} s  {verdict(ok)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--strata", type=int, default=2000)
    parser.add_argument("--ratio", default="5%", help="a fraction: 5%%, 1/20 or 0.05")
    parser.add_argument("--skip-sql", action="store_true", help="no PostgreSQL table and no SQL baselines")
    parser.add_argument("--work-mem", help="SET work_mem for the SQL baselines (default: the server's)")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--k", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile", default=SHA256.name, help=argparse.SUPPRESS)
    parser.add_argument("--native", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    plan = DrawPlan((ItemRule("item", parse_ratio(args.ratio)),))
    if args.phase:
        print(json.dumps(PHASES[args.phase](args, bytes.fromhex(args.key), plan)))
        return 0

    from hrss.testing.databases import create_database, drop_database
    from hrss.testing.servers import Servers

    args.key = draw_key(SHA256, SHA256.hash(b"bench_draw seed")).hex()
    admin_dsn = None if args.skip_sql else Servers.from_environment().pg_dsn
    name = f"bench_draw_{uuid.uuid4().hex[:8]}"
    print(f"load average at start {os.getloadavg()[0]:.2f} (other jobs may share the 2 CPUs)", file=sys.stderr)
    try:
        dsn = create_database(admin_dsn, name) if admin_dsn else None
        with tempfile.TemporaryDirectory(prefix="bench_draw_") as folder:
            args.dir = Path(folder)
            counts = [0] * args.strata
            loading = load_table(dsn or "", args.dir / "frame.tsv", args.n, args.strata, counts)
            print(f"  generated and loaded {args.n:,} rows", file=sys.stderr, flush=True)
            ratio = plan.items[0].fraction
            assert ratio is not None
            k = sum(ceil_fraction(c * ratio) for c in counts)
            results = {
                "draw1": run_phase(args, "draw", dsn, workers=1),
                "draw2": run_phase(args, "draw", dsn, workers=2),
                "hashlib1": run_phase(args, "draw", dsn, workers=1, native=0),
                "hashlib2": run_phase(args, "draw", dsn, workers=2, native=0),
                "fast1": run_phase(args, "draw", dsn, workers=1, profile=SHA256_AES.name),
                "fast2": run_phase(args, "draw", dsn, workers=2, profile=SHA256_AES.name),
            }
            if dsn:
                results["random"] = run_phase(args, "sql-random", dsn, k=k)
                results["stratified"] = run_phase(args, "sql-stratified", dsn)
            results["freeze"] = run_phase(args, "freeze", dsn)
            results["verify"] = run_phase(args, "verify", dsn, workers=1)
            results["verify2"] = run_phase(args, "verify", dsn, workers=2)
            report(args, k, loading, results)
    finally:
        if admin_dsn:
            drop_database(admin_dsn, name)
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
