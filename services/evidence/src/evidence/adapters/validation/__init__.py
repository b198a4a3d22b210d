"""Whole-file validation of a stored upload by its kind (`domain/content.py:FAMILY`), after it was received in
full: the version is read back once into a temporary file (the service bounds its size) and checked there.

`ContentValidator` is what bootstrap injects as `Components.validate`; a file that fails raises
`ContentInvalid` (or a ZIP refusal) naming the reason, and the upload use case quarantines it.
"""

from __future__ import annotations

import mmap
import tempfile
from dataclasses import dataclass

from evidence.adapters.store import AbstractEvidenceStore
from evidence.adapters.validation.containers import check_media, check_zip
from evidence.adapters.validation.documents import check_ole, check_pdf
from evidence.adapters.validation.images import check_image
from evidence.adapters.validation.text import check_json, check_text, check_xml
from evidence.domain.content import FAMILY
from evidence.domain.storage import Stored

__all__ = ["ContentValidator"]


@dataclass(frozen=True)
class ContentValidator:
    max_pixels: int = 100_000_000  # an image with more pixels is refused before it is decoded (decompression bomb)

    def __call__(self, store: AbstractEvidenceStore, stored: Stored, extension: str) -> None:
        """Check the stored version of an upload whole; raise the refusal that names why it is not acceptable."""
        family = FAMILY[extension]
        with tempfile.TemporaryFile(prefix="evidence-check-") as spool:
            for chunk in store.chunks(stored.key, stored.version_id):
                spool.write(chunk)
            spool.flush()
            if spool.tell() == 0:
                return  # an empty body is refused before anything is written
            with mmap.mmap(spool.fileno(), 0, access=mmap.ACCESS_READ) as view:
                if family == "image":
                    check_image(view, spool, extension, self.max_pixels)
                elif family == "pdf":
                    check_pdf(view, spool)
                elif family == "text":
                    check_text(view)
                elif family == "json":
                    check_json(view)
                elif family == "xml":
                    check_xml(view)
                elif family == "zip":
                    check_zip(view, spool, extension)
                elif family == "ole":
                    check_ole(view)
                else:
                    check_media(view, extension)
