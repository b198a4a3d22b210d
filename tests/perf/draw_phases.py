"""The phases of bench_draw.py, each run in its own child process (`bench_draw.py --phase NAME`) so that each
peak RSS is its own. Each returns a JSON-able dict of its figures; picks go to TSV files in the run's folder."""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from hrss.drawkit import SHA256, DrawPlan, FrameEntry, merkle
from hrss.drawkit.sampling import select_groups

OBJECT_TYPE = "employer"
CHUNK = 100_000
TABLE = "draw_frame"
STRATIFIED_SQL = f"""
SELECT uscc, stratum, rn - 1, encode(ticket, 'hex') FROM (
    SELECT uscc, stratum, ticket,
           row_number() OVER (PARTITION BY stratum ORDER BY ticket, convert_to(uscc, 'UTF8')) AS rn,
           count(*) OVER (PARTITION BY stratum) AS n
    FROM (SELECT uscc, stratum, sha256(decode(%(key)s, 'hex') || convert_to(uscc, 'UTF8')) AS ticket
          FROM {TABLE}) AS tickets
) AS ranked
WHERE rn <= (n * %(num)s + %(den)s - 1) / %(den)s  -- ceil(n * num / den) in integers
"""


def entity_id(uscc: str) -> str:
    """A UUID-shaped entity id, unique because the organisation code is."""
    return f"00000000-0000-4000-8000-{uscc[8:17]}{uscc[2:5]}".lower()


def frame_entry(uscc: str, stratum: str, salt: str) -> FrameEntry:
    return FrameEntry(uscc, entity_id(uscc), uscc[2:8], OBJECT_TYPE, stratum, True, "", salt)


def _mb(kb: float) -> float:
    return kb / 1024


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def machine_cpu() -> float:
    """CPU seconds used by the whole machine so far (/proc/stat: every state but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _peaks() -> dict[str, float]:
    return {
        "peak_mb": _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "children_mb": _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss),
    }


def _status_kb(pid: int | str, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        return None
    return None


class PssSampler(threading.Thread):
    """The largest sum of PSS over this process and its children, every 0.2 s: forked workers share the parent's
    pages, so adding their RSS would count those pages twice."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0.0
        self._done = threading.Event()

    @staticmethod
    def _pss(pid: str) -> float:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return float(line.split()[1])
        except OSError:
            pass
        return 0.0

    @staticmethod
    def _is_child(pid: str, me: str) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1] == me
        except (OSError, IndexError):
            return False

    def run(self) -> None:
        me = str(os.getpid())
        while True:
            pids = [me] + [p for p in os.listdir("/proc") if p.isdigit() and self._is_child(p, me)]
            self.peak_kb = max(self.peak_kb, sum(self._pss(p) for p in pids))
            if self._done.wait(0.2):
                return

    def stop(self) -> float:
        self._done.set()
        self.join()
        return _mb(self.peak_kb)


def load_groups(path: Path) -> dict[str, list[str]]:
    groups: defaultdict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8") as rows:
        for line in rows:
            groups[line[19:-1]].append(line[:18])
    return dict(groups)


def write_picks(path: Path, rows: list[tuple[Any, ...]]) -> None:
    path.write_text("".join(sorted("\t".join(map(str, row)) + "\n" for row in rows)), encoding="utf-8")


def phase_draw(args: argparse.Namespace, key: bytes, plan: DrawPlan) -> dict[str, Any]:
    """drawkit post-seed: groups built in memory first (timed apart), then select_groups alone."""
    t0 = time.perf_counter()
    groups = load_groups(args.dir / "frame.tsv")
    built = time.perf_counter() - t0
    loaded = _mb(_status_kb("self", "VmRSS") or 0)
    sampler = PssSampler() if args.workers > 1 else None
    if sampler:
        sampler.start()
    m0, c0, t0 = machine_cpu(), _cpu(), time.perf_counter()
    selection = select_groups(SHA256, key, groups, plan, workers=args.workers)
    took, cpu, machine = time.perf_counter() - t0, _cpu() - c0, machine_cpu() - m0
    pss = sampler.stop() if sampler else None
    write_picks(
        args.dir / f"picks-w{args.workers}.tsv", [(p.uscc, p.stratum, p.rank, p.ticket) for p in selection.picks]
    )
    return {
        "build_s": built,
        "loaded_mb": loaded,
        "seconds": took,
        "cpu": cpu,
        "machine": machine,
        "rows": len(selection.picks),
        "pss_mb": pss,
        **_peaks(),
    }


def phase_sql(args: argparse.Namespace, key: bytes, plan: DrawPlan) -> dict[str, Any]:
    """One query on a fresh connection (so the backend's VmHWM is this query's), all rows fetched."""
    import psycopg2

    ratio = plan.items[0].fraction
    assert ratio is not None
    connection = psycopg2.connect(os.environ["BENCH_DRAW_DSN"])
    try:
        cur = connection.cursor()
        if args.work_mem:
            cur.execute("SET work_mem = %s", (args.work_mem,))
        cur.execute("SELECT pg_backend_pid(), current_setting('work_mem')")
        backend, work_mem = cur.fetchone()
        if args.phase == "sql-random":
            query, params = f"SELECT uscc FROM {TABLE} ORDER BY random() LIMIT %(k)s", {"k": args.k}
        else:
            query, params = STRATIFIED_SQL, {"key": key.hex(), "num": ratio.numerator, "den": ratio.denominator}
        m0, t0 = machine_cpu(), time.perf_counter()
        cur.execute(query, params)
        rows = cur.fetchall()
        took, machine = time.perf_counter() - t0, machine_cpu() - m0
        backend_mb = _status_kb(backend, "VmHWM")
        cur.execute("EXPLAIN " + query, params)
        explain = [row[0] for row in cur.fetchall()]
    finally:
        connection.close()
    if args.phase == "sql-stratified":
        write_picks(args.dir / "picks-sql.tsv", rows)
    return {
        "seconds": took,
        "machine": machine,
        "rows": len(rows),
        "work_mem": work_mem,
        "explain": explain,
        "backend_mb": _mb(backend_mb) if backend_mb else None,
        **_peaks(),
    }


def phase_freeze(args: argparse.Namespace, key: bytes, plan: DrawPlan) -> dict[str, Any]:
    """Canonical order, a fresh salt and a FrameEntry leaf per entity (objects not kept), the Merkle root."""
    with (args.dir / "frame.tsv").open(encoding="utf-8") as rows:
        lines = rows.readlines()  # `uscc<TAB>stratum`: the uscc has a fixed width, so lines sort by uscc
    loaded = _mb(_status_kb("self", "VmRSS") or 0)
    m0, c0, t0 = machine_cpu(), _cpu(), time.perf_counter()
    lines.sort()
    sorted_at = time.perf_counter()
    hashes, salts = [], []
    leaf_hash, append = merkle.leaf_hash, hashes.append
    for start in range(0, len(lines), CHUNK):
        fresh = os.urandom(16 * CHUNK).hex()
        salts.append(fresh)
        for k, line in enumerate(lines[start : start + CHUNK]):
            append(leaf_hash(SHA256, frame_entry(line[:18], line[19:-1], fresh[32 * k : 32 * k + 32]).leaf()))
    leaves_at = time.perf_counter()
    root = merkle.root_of_hashes(SHA256, hashes)
    took, cpu, machine = time.perf_counter() - t0, _cpu() - c0, machine_cpu() - m0
    del hashes
    per_leaf = leaf_costs(lines[:CHUNK])
    with (args.dir / "frozen.tsv").open("w", encoding="utf-8") as out:  # the frame as an auditor receives it
        for start in range(0, len(lines), CHUNK):
            fresh = salts[start // CHUNK]
            out.write(
                "".join(
                    f"{line[:18]}\t{line[19:-1]}\t{entity_id(line[:18])}\t{fresh[32 * k : 32 * k + 32]}\n"
                    for k, line in enumerate(lines[start : start + CHUNK])
                )
            )
    return {
        "seconds": took,
        "cpu": cpu,
        "machine": machine,
        "rows": len(lines),
        "sort_s": sorted_at - t0,
        "leaves_s": leaves_at - sorted_at,
        "tree_s": t0 + took - leaves_at,
        "root": root.hex(),
        "loaded_mb": loaded,
        "per_leaf_us": per_leaf,
        **_peaks(),
    }


def leaf_costs(lines: list[str]) -> dict[str, float]:
    """Where a leaf's time goes, in µs per entity over a sample, nothing kept (as in the freeze loop):
    FrameEntry(), then .leaf() on top, then merkle.leaf_hash on top."""
    salt, leaf_hash = "0" * 32, merkle.leaf_hash
    t0 = time.perf_counter()
    for line in lines:
        frame_entry(line[:18], line[19:-1], salt)
    t1 = time.perf_counter()
    for line in lines:
        frame_entry(line[:18], line[19:-1], salt).leaf()
    t2 = time.perf_counter()
    for line in lines:
        leaf_hash(SHA256, frame_entry(line[:18], line[19:-1], salt).leaf())
    t3 = time.perf_counter()
    scale = 1e6 / max(1, len(lines))
    return {"entry": (t1 - t0) * scale, "leaf": (t2 - t1 - (t1 - t0)) * scale, "hash": (t3 - t2 - (t2 - t1)) * scale}


def phase_verify(args: argparse.Namespace, key: bytes, plan: DrawPlan) -> dict[str, Any]:
    """From the frozen frame file: canonical order, every leaf, the root, the groups, the selection again."""
    m0, c0, t0 = machine_cpu(), _cpu(), time.perf_counter()
    groups: defaultdict[str, list[str]] = defaultdict(list)
    hashes: list[bytes] = []
    leaf_hash, append, previous = merkle.leaf_hash, hashes.append, ""
    with (args.dir / "frozen.tsv").open(encoding="utf-8") as rows:
        for line in rows:
            uscc, stratum, eid, salt = line[:-1].split("\t")
            if uscc <= previous:
                raise ValueError(f"frame not in canonical order at {uscc}")
            previous = uscc
            append(leaf_hash(SHA256, FrameEntry(uscc, eid, uscc[2:8], OBJECT_TYPE, stratum, True, "", salt).leaf()))
            groups[stratum].append(uscc)
    leaves_at = time.perf_counter()
    root = merkle.root_of_hashes(SHA256, hashes)
    del hashes
    root_at = time.perf_counter()
    selection = select_groups(SHA256, key, groups, plan, workers=args.workers)
    took, cpu, machine = time.perf_counter() - t0, _cpu() - c0, machine_cpu() - m0
    write_picks(args.dir / "picks-verify.tsv", [(p.uscc, p.stratum, p.rank, p.ticket) for p in selection.picks])
    return {
        "seconds": took,
        "cpu": cpu,
        "machine": machine,
        "rows": len(selection.picks),
        "leaves_s": leaves_at - t0,
        "tree_s": root_at - leaves_at,
        "select_s": t0 + took - root_at,
        "root": root.hex(),
        **_peaks(),
    }


PHASES = {
    "draw": phase_draw,
    "sql-random": phase_sql,
    "sql-stratified": phase_sql,
    "freeze": phase_freeze,
    "verify": phase_verify,
}
