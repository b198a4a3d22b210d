"""What the archive search keeps and asks of the evidence schema: the extracted text of filed evidence
(`document_text`, append-only: a later extraction adds a row and the latest counts), the access grants a caller
holds now (put into the search query), and which archives there are (for a rebuild). The port extends the
evidence repository; the fake is `tests/fakes.py:FakeEvidenceRepository`, both held to
`tests/integration/test_repository_contract.py`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from evidence.adapters import orm
from evidence.domain.search import DocumentText


class SearchRecords(ABC):
    @abstractmethod
    def add_text(self, text: DocumentText) -> None:
        """Keep an extraction at once, in a transaction of its own: hours of OCR survive a failed index write."""

    @abstractmethod
    def texts(self, evidence_ids: Collection[str]) -> dict[str, DocumentText]:
        """The latest extraction of each of `evidence_ids` that has one."""

    @abstractmethod
    def grants_in_force(self, grantee: str, at: datetime) -> dict[str, tuple[int, ...]]:
        """The archive versions the grants held by `grantee` and valid at `at` name, by archive id."""

    @abstractmethod
    def archive_ids(self, prefixes: Collection[str]) -> Iterator[str]:
        """Every archive filed at a node whose code starts with one of `prefixes`, oldest first."""


class SqlSearchRecords(SearchRecords):
    session: Session

    def add_text(self, text: DocumentText) -> None:
        engine: Any = self.session.get_bind()
        with engine.begin() as connection:
            connection.execute(insert(orm.document_text).values(**{**text.__dict__, "failures": list(text.failures)}))

    def texts(self, evidence_ids: Collection[str]) -> dict[str, DocumentText]:
        if not evidence_ids:
            return {}
        t = orm.document_text
        query = select(t).where(t.c.evidence_id.in_(list(evidence_ids))).order_by(t.c.extracted_at)
        found: dict[str, DocumentText] = {}
        for row in self.session.execute(query):
            values = {**row._mapping, "failures": tuple(row.failures)}
            values["extraction_id"], values["evidence_id"] = str(row.extraction_id), str(row.evidence_id)
            found[values["evidence_id"]] = DocumentText(**values)  # later rows replace earlier ones
        return found

    def grants_in_force(self, grantee: str, at: datetime) -> dict[str, tuple[int, ...]]:
        g = orm.access_grant
        query = select(g.c.archive_id, g.c.versions).where(
            g.c.grantee == grantee, g.c.valid_from <= at, g.c.valid_until > at
        )
        held: dict[str, set[int]] = {}
        for archive_id, versions in self.session.execute(query):
            held.setdefault(str(archive_id), set()).update(versions)
        return {a: tuple(sorted(v)) for a, v in held.items()}

    def archive_ids(self, prefixes: Collection[str]) -> Iterator[str]:
        a = orm.archive
        for prefix in prefixes:
            query = select(a.c.archive_id).where(a.c.node.like(prefix + "%")).order_by(a.c.filed_at, a.c.archive_id)
            for found in self.session.execute(query).scalars():
                yield str(found)
