"""What the integrity jobs (`service_layer/integrity.py`: fixity and the reconciler) read and add: the object
versions the platform recorded, the uploads begun and refused, and one fixity check per object per run. The
evidence repository (`adapters/repository.py`) includes it; the command line uses it on its own session."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from evidence.adapters import orm
from evidence.domain.records import Filed


class IntegrityRecords(ABC):
    """The port of the integrity jobs; `EvidenceRepository` extends it, so the fake repository serves both."""

    @abstractmethod
    def filed_objects(self) -> Iterator[Filed]:
        """Every object version the platform recorded: evidence, then manifests."""

    @abstractmethod
    def upload_intents(self) -> set[str]:
        """The evidence ids of every upload begun."""

    @abstractmethod
    def upload_rejections(self) -> set[str]:
        """The evidence ids of every upload refused."""

    @abstractmethod
    def add_fixity_check(self, run_id: str, item: Filed, status: str, actual: str | None, at: datetime) -> None: ...


class SqlIntegrityRecords(IntegrityRecords):
    """The integrity records on the service's PostgreSQL schema, in `session`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def filed_objects(self) -> Iterator[Filed]:
        e, v = orm.evidence, orm.archive_version
        query = select(e.c.evidence_id, e.c.object_key, e.c.version_id, e.c.algorithm, e.c.digest)
        for r in self.session.execute(query):
            yield Filed("evidence", str(r.evidence_id), r.object_key, r.version_id, r.algorithm, r.digest)
        columns = (v.c.archive_id, v.c.version, v.c.manifest_key, v.c.manifest_version_id, v.c.algorithm)
        for r in self.session.execute(select(*columns, v.c.manifest_digest)):
            object_id = f"{r.archive_id}/v{r.version}"
            yield Filed("manifest", object_id, r.manifest_key, r.manifest_version_id, r.algorithm, r.manifest_digest)

    def upload_intents(self) -> set[str]:
        return {str(i) for i in self.session.execute(select(orm.upload_intent.c.evidence_id)).scalars()}

    def upload_rejections(self) -> set[str]:
        return {str(i) for i in self.session.execute(select(orm.upload_rejection.c.evidence_id)).scalars()}

    def add_fixity_check(self, run_id: str, item: Filed, status: str, actual: str | None, at: datetime) -> None:
        self.session.execute(
            insert(orm.fixity_check).values(
                run_id=run_id,
                object_type=item.object_type,
                object_id=item.object_id,
                object_key=item.key,
                version_id=item.version_id,
                algorithm=item.algorithm,
                expected=item.digest,
                actual=actual,
                status=status,
                checked_at=at,
            )
        )
