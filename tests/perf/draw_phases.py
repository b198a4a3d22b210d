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

from hrss.drawkit import PROFILES, SHA256, DrawPlan, FrameEntry, merkle
from hrss.drawkit.frame import FrameColumns, FrameCommitment, fresh_salts, leaf_hashes_columns, snapshot_lines
from hrss.drawkit.sampling import native_kernel, select_groups
from hrss.drawkit.stream import check_stream, file_blocks, read_block, ticket_bounds

OBJECT_TYPE = "employer"
CHUNK = 100_000
TABLE = "draw_frame"
FROZEN_CHUNK = merkle.SUBTREE  # rows per chunk of the streamed freeze and re-verification
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


def picks_name(profile: str, workers: int, native: bool = True) -> str:
    return f"picks-{'aes-' if profile != SHA256.name else ''}{'' if native else 'hashlib-'}w{workers}.tsv"


def native_backend() -> str:
    from hrss.drawnative import backend

    return f"hrss-drawnative ({backend()})"


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
    profile = PROFILES[args.profile]
    native = bool(args.native) and native_kernel(profile) is not None
    selection = select_groups(profile, key, groups, plan, workers=args.workers, native=native)
    took, cpu, machine = time.perf_counter() - t0, _cpu() - c0, machine_cpu() - m0
    pss = sampler.stop() if sampler else None
    write_picks(
        args.dir / picks_name(args.profile, args.workers, bool(args.native)),
        [(p.uscc, p.stratum, p.rank, p.ticket) for p in selection.picks],
    )
    return {
        "build_s": built,
        "loaded_mb": loaded,
        "seconds": took,
        "cpu": cpu,
        "machine": machine,
        "rows": len(selection.picks),
        "pss_mb": pss,
        "native": native_backend() if native else None,
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


def frame_columns(usccs: list[str], strata: list[str], salts: list[str]) -> FrameColumns:
    """The benchmark's frame as leaf columns: every entity eligible, of one object type, region from its uscc."""
    size = len(usccs)
    return FrameColumns(
        salts,
        usccs,
        list(map(entity_id, usccs)),
        [u[2:8] for u in usccs],
        [OBJECT_TYPE] * size,
        strata,
        [True] * size,
        [""] * size,
    )


def phase_freeze(args: argparse.Namespace, key: bytes, plan: DrawPlan) -> dict[str, Any]:
    """Canonical order, fresh salts, and the streamed commitment (`FrameCommitment`: canonical order checked,
    columnar leaf hashes, Merkle root) chunk by chunk; the frozen frame is then written out (untimed)."""
    with (args.dir / "frame.tsv").open(encoding="utf-8") as rows:
        lines = rows.readlines()  # `uscc<TAB>stratum`: the uscc has a fixed width, so lines sort by uscc
    loaded = _mb(_status_kb("self", "VmRSS") or 0)
    m0, c0, t0 = machine_cpu(), _cpu(), time.perf_counter()
    lines.sort()
    sorted_at = time.perf_counter()
    salts = fresh_salts(len(lines))
    salted_at = time.perf_counter()
    committed = FrameCommitment(SHA256)
    columns_s = 0.0
    for start in range(0, len(lines), FROZEN_CHUNK):
        c1 = time.perf_counter()
        fields = "".join(lines[start : start + FROZEN_CHUNK]).replace("\n", "\t").split("\t")
        chunk = frame_columns(fields[0:-1:2], fields[1:-1:2], salts[start : start + FROZEN_CHUNK])
        columns_s += time.perf_counter() - c1
        committed.add(chunk)
    root = committed.root()
    took, cpu, machine = time.perf_counter() - t0, _cpu() - c0, machine_cpu() - m0
    per_leaf = leaf_costs(lines[:CHUNK])
    with (args.dir / "frozen.tsv").open("wb") as out:  # the frame snapshot file (docs/draw-spec.md §4.3)
        for start in range(0, len(lines), CHUNK):
            fields = "".join(lines[start : start + CHUNK]).replace("\n", "\t").split("\t")
            chunk = frame_columns(fields[0:-1:2], fields[1:-1:2], salts[start : start + CHUNK])
            out.writelines(snapshot_lines(*chunk.fields()))
    return {
        "seconds": took,
        "cpu": cpu,
        "machine": machine,
        "rows": committed.size,
        "sort_s": sorted_at - t0,
        "salts_s": salted_at - sorted_at,
        "columns_s": columns_s,
        "commit_s": t0 + took - salted_at - columns_s,
        "root": root.hex(),
        "loaded_mb": loaded,
        "per_leaf_us": per_leaf,
        **_peaks(),
    }


def leaf_costs(lines: list[str]) -> dict[str, float]:
    """Where a leaf's time goes, in µs per entity over a sample: the object path (FrameEntry(), .leaf(),
    merkle.leaf_hash, one entity at a time; the sample's records are kept so that the hash is timed alone) beside
    the columnar path the freeze uses (leaf_hashes_columns), and the tree (merkle.root_of_hashes) per leaf."""
    salt, leaf_hash = "0" * 32, merkle.leaf_hash
    fields = "".join(lines).replace("\n", "\t").split("\t")
    usccs, strata = fields[0:-1:2], fields[1:-1:2]
    t0 = time.perf_counter()
    for uscc, stratum in zip(usccs, strata, strict=True):
        frame_entry(uscc, stratum, salt)
    t1 = time.perf_counter()
    leaves = [frame_entry(uscc, stratum, salt).leaf() for uscc, stratum in zip(usccs, strata, strict=True)]
    t2 = time.perf_counter()
    hashes = [leaf_hash(SHA256, leaf) for leaf in leaves]  # timed on its own, not as a difference of two loops
    t3 = time.perf_counter()
    columns = frame_columns(usccs, strata, [salt] * len(usccs))
    t4 = time.perf_counter()
    columnar = leaf_hashes_columns(SHA256, *columns.fields())
    t5 = time.perf_counter()
    merkle.root_of_hashes(SHA256, columnar)
    t6 = time.perf_counter()
    assert columnar == hashes, "the columnar leaves differ from the object path's"
    scale = 1e6 / max(1, len(lines))
    return {
        "entry": (t1 - t0) * scale,
        "leaf": (t2 - t1 - (t1 - t0)) * scale,
        "hash": (t3 - t2) * scale,
        "columns": (t4 - t3) * scale,
        "columnar": (t5 - t4) * scale,
        "tree": (t6 - t5) * scale,
    }


def read_picks(path: Path) -> list[tuple[str, str, int, str]]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    return [(uscc, stratum, int(rank), ticket) for uscc, stratum, rank, ticket in rows]


def phase_verify(args: argparse.Namespace, key: bytes, plan: DrawPlan) -> dict[str, Any]:
    """The draw's picks checked against the frozen frame file, streamed (hrss.drawkit.stream): every ticket of
    the picks recomputed (the bounds), then chunk by chunk in `--workers` processes: canonical order, every leaf,
    the subtree roots, N_s, the entities up to each stratum's bound; then the root, the quotas and the selection
    re-drawn from what was kept."""
    profile = PROFILES[args.profile]
    claimed = read_picks(args.dir / picks_name(args.profile, 1))
    m0, c0, t0 = machine_cpu(), _cpu(), time.perf_counter()
    bounds = ticket_bounds(profile, key, [(uscc, stratum) for uscc, stratum, _, _ in claimed])
    bounded_at = time.perf_counter()
    streamed = check_stream(
        profile, key, bounds, file_blocks(args.dir / "frozen.tsv"), read_block, workers=args.workers
    )
    streamed_at = time.perf_counter()
    selection, short = streamed.selection(profile, plan)
    took, cpu, machine = time.perf_counter() - t0, _cpu() - c0, machine_cpu() - m0
    rows = [(p.uscc, p.stratum, p.rank, p.ticket) for p in selection.picks]
    write_picks(args.dir / f"picks-verify-w{args.workers}.tsv", rows)
    return {
        "seconds": took,
        "cpu": cpu,
        "machine": machine,
        "rows": len(selection.picks),
        "frame_rows": streamed.size,
        "bounds_s": bounded_at - t0,
        "stream_s": streamed_at - bounded_at,
        "select_s": t0 + took - streamed_at,
        "kept": sum(map(len, streamed.kept.values())),
        "ordered": streamed.ordered,
        "short": len(short),
        "same": sorted(rows) == sorted(claimed),
        "root": streamed.root.hex(),
        **_peaks(),
    }


PHASES = {
    "draw": phase_draw,
    "sql-random": phase_sql,
    "sql-stratified": phase_sql,
    "freeze": phase_freeze,
    "verify": phase_verify,
}
