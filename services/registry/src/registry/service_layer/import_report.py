"""What an import reports: counts, duration and the first rejections, summed chunk by chunk as they commit."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from registry.service_layer.import_chunks import Chunk

REPORTED_REJECTIONS = 1_000  # rejections kept in the report; all of them are in import_rejection


@dataclass
class ImportReport:
    """The outcome of an import so far: counts, duration and the first rejections (row, field, code, message)."""

    import_id: str
    kind: str
    file_name: str
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    late: int = 0
    chunks: int = 0
    seconds: float = 0.0
    finished: bool = False
    rejections: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "kind": self.kind,
            "file_name": self.file_name,
            "rows": self.rows,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "late": self.late,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "finished": self.finished,
            "rejections": list(self.rejections),
        }


def count_chunk(report: ImportReport, chunk: Chunk, counts: dict[str, int], started: float) -> None:
    """Add a committed chunk to the report."""
    report.rows += chunk.rows
    report.rejected += chunk.rejected
    report.created += counts["created"]
    report.changed += counts["changed"]
    report.unchanged += counts["unchanged"]
    report.late += counts["late"]
    report.chunks += 1
    room = max(REPORTED_REJECTIONS - len(report.rejections), 0)
    report.rejections.extend({"row": row, **error.to_dict()} for row, error in chunk.rejections[:room])
    report.finished = chunk.final
    report.seconds = time.monotonic() - started
