"""Documents as offices file them, built for tests: a PDF that a real parser reads."""

from __future__ import annotations


def pdf_document(text: str = "", *, size: int = 0, catalog: bytes = b"", objects: tuple[bytes, ...] = ()) -> bytes:
    """A small PDF that a parser reads: catalog, pages, one page and its content stream (`text` in a comment, padded
    to about `size` bytes), a cross-reference table, the trailer and `%%EOF` as its last line. `catalog` adds entries
    to the catalog and `objects` adds objects 5, 6, … (for hostile PDFs)."""
    lines = b"".join(b"% " + line.encode() + b"\n" for line in text.splitlines() or [""])
    content = b"BT ET\n" + lines
    if size:
        content += b"%" + b"x" * max(0, size - len(content) - 400) + b"\n"
    bodies = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>",
        b"<</Type/Pages/Count 1/Kids[3 0 R]>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
        b"<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream",
        *objects,
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return out
