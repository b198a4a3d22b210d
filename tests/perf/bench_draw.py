#!/usr/bin/env python
"""Benchmark: the post-seed draw of hrss.drawkit over N entities (default 10,000,000) in 2,000 strata at 5 %,
beside PostgreSQL on the same rows in the same run; then the frame commitment and a full re-verification.

A plain script, not a test: it prints figures and never fails on timing.

    .venv/bin/python tests/perf/bench_draw.py [--n 10000000 --strata 2000 --ratio 5% --skip-sql]

1. Writes N deterministic USCC-like codes, each in a uniform random stratum, to a TSV and COPYs the same chunks
   into `draw_frame (uscc text, stratum int)` of a throwaway database (dropped at the end).
2. Runs each heavy phase (draw_phases.py) in a child process, this script with --phase, so that each peak RSS is
   its own:
   drawkit `select_groups` with workers=1 and 2 (the groups are built first and timed apart), PostgreSQL
   `ORDER BY random() LIMIT k`, the stratified `row_number()` over the same SHA-256 tickets (its rows must equal
   drawkit's picks), the frame commitment (FrameEntry leaves, Merkle root) and the re-verification (frame root
   and selection again, from the frame file).
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
    if args.work_mem:
        command += ["--work-mem", args.work_mem]
    for option, value in extra.items():
        command += [f"--{option.replace('_', '-')}", str(value)]
    print(f"  phase {name} {extra or ''} ...", file=sys.stderr, flush=True)
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
    print(f"profiles offered by hrss.drawkit: {', '.join(PROFILES)} (no fast profile; the default is SHA-256)")
    print(line.format("what", "seconds", "CPU s", "machine s", "peak RSS MB", "rows"))
    rows: list[tuple[str, float | None, float | None, float | None, float | None, int | None]] = [
        ("generate rows (Python, in the parent)", loading[0], None, None, None, args.n),
    ]
    if not args.skip_sql:
        rows += [(f"COPY into PostgreSQL (+ VACUUM ANALYZE {loading[2]:.1f} s)", loading[1], None, None, None, args.n)]
    w1, w2 = r["draw1"], r["draw2"]
    rows += [
        ("build groups from the TSV (RSS after; workers=1 run)", w1["build_s"], None, None, w1["loaded_mb"], args.n),
        ("drawkit select_groups sha256 workers=1", w1["seconds"], w1["cpu"], w1["machine"], w1["peak_mb"], w1["rows"]),
        ("drawkit select_groups sha256 workers=2", w2["seconds"], w2["cpu"], w2["machine"], w2["peak_mb"], w2["rows"]),
    ]
    for name, label in (("random", "PostgreSQL ORDER BY random() LIMIT k"), ("stratified", "PostgreSQL stratified")):
        if name in r:
            label += f" (work_mem {r[name]['work_mem']})"
            rows.append((label, r[name]["seconds"], None, r[name]["machine"], r[name]["backend_mb"], r[name]["rows"]))
    f, v = r["freeze"], r["verify"]
    rows += [
        (
            "freeze + commitment (sort, salts, FrameEntry leaves, root)",
            f["seconds"],
            f["cpu"],
            f["machine"],
            f["peak_mb"],
            f["rows"],
        ),
        (
            f"re-verification (leaves, root, select workers={args.verify_workers})",
            v["seconds"],
            v["cpu"],
            v["machine"],
            v["peak_mb"],
            v["rows"],
        ),
    ]
    for what, seconds, cpu, machine, peak, count in rows:
        figures = _fmt(seconds, ".1f"), _fmt(cpu, ".1f"), _fmt(machine, ".1f"), _fmt(peak, ",.0f"), _fmt(count, ",")
        print(line.format(what, *figures))
    print("CPU s: the phase's own processes; machine s: the whole machine's CPU meanwhile (2 CPUs, shared)")
    print(
        f"workers=2: RSS of the largest forked worker {w2['children_mb']:,.0f} MB (shares the parent's pages);"
        f" sampled peak PSS of parent + workers {w2['pss_mb']:,.0f} MB"
    )
    print("PostgreSQL peak RSS is the backend's VmHWM (parallel workers not counted); its CPU is only in machine s")
    print(
        f"freeze: sort {f['sort_s']:.1f} s, leaves {f['leaves_s']:.1f} s, tree {f['tree_s']:.1f} s; "
        f"verify: read + leaves {v['leaves_s']:.1f} s, tree {v['tree_s']:.1f} s, select {v['select_s']:.1f} s"
    )
    cost = f["per_leaf_us"]
    print(
        f"one leaf (sample of {min(args.n, CHUNK):,}): FrameEntry() {cost['entry']:.2f} µs,"
        f" .leaf() {cost['leaf']:.2f} µs, merkle.leaf_hash {cost['hash']:.2f} µs"
    )
    print(f"picks workers=1 = workers=2: {same_rows(args.dir / 'picks-w1.tsv', args.dir / 'picks-w2.tsv')}")
    if "stratified" in r:
        print(f"stratified SQL = drawkit picks: {same_rows(args.dir / 'picks-w1.tsv', args.dir / 'picks-sql.tsv')}")
    print(
        f"re-verification: root {'matches' if v['root'] == f['root'] else 'DIFFERS'} ({f['root'][:16]}…), "
        f"picks = draw picks: {same_rows(args.dir / 'picks-w1.tsv', args.dir / 'picks-verify.tsv')}"
    )
    if "stratified" in r:
        print("plan of the stratified query:\n  " + "\n  ".join(r["stratified"]["explain"]))

    def verdict(ok: bool) -> str:
        return "MET" if ok else "MISSED"

    print(f"\n{'target':<58}{'measured':>24}  verdict")
    best = min(w1["seconds"], w2["seconds"])
    if "random" in r:
        ratio = r["random"]["seconds"] / best
        print(f"{'fast profile faster than ORDER BY random()':<58}{'no fast profile':>24}  NOT MEASURED")
        print(f"{'  (default profile vs ORDER BY random(), best workers)':<58}{f'{ratio:.2f}x':>24}  for reference")
        for label, w in (("workers=1", w1), ("workers=2", w2)):
            ratio = r["stratified"]["seconds"] / w["seconds"]
            print(
                f"{'default profile >= 10x faster than stratified SQL, ' + label:<58}{f'{ratio:.1f}x':>24}  "
                f"{verdict(ratio >= TARGETS['ratio_sql'])}"
            )
    else:
        print(f"{'SQL targets':<58}{'--skip-sql':>24}  NOT MEASURED")
    for label, mb in (
        ("peak memory <= 2 GB, draw workers=1 (RSS)", w1["peak_mb"]),
        ("peak memory <= 2 GB, draw workers=2 (PSS, all processes)", w2["pss_mb"]),
    ):
        print(f"{label:<58}{f'{mb:,.0f} MB':>24}  {verdict(mb <= TARGETS['memory_mb'])}")
    frozen, verified = f"{f['seconds']:.1f} s", f"{v['seconds']:.1f} s"
    print(f"{'freeze + commitment <= 60 s':<58}{frozen:>24}  {verdict(f['seconds'] <= TARGETS['freeze_s'])}")
    verify_ok = v["seconds"] <= TARGETS["verify_s"] and v["root"] == f["root"]
    print(f"{'re-verification <= 30 s (standard library)':<58}{verified:>24}  {verdict(verify_ok)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--strata", type=int, default=2000)
    parser.add_argument("--ratio", default="5%", help="a fraction: 5%%, 1/20 or 0.05")
    parser.add_argument("--skip-sql", action="store_true", help="no PostgreSQL table and no SQL baselines")
    parser.add_argument("--work-mem", help="SET work_mem for the SQL baselines (default: the server's)")
    parser.add_argument("--verify-workers", type=int, default=1)
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--k", type=int, help=argparse.SUPPRESS)
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
            }
            if dsn:
                results["random"] = run_phase(args, "sql-random", dsn, k=k)
                results["stratified"] = run_phase(args, "sql-stratified", dsn)
            results["freeze"] = run_phase(args, "freeze", dsn)
            results["verify"] = run_phase(args, "verify", dsn, workers=args.verify_workers)
            report(args, k, loading, results)
    finally:
        if admin_dsn:
            drop_database(admin_dsn, name)
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
