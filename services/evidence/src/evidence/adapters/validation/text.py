"""Text kinds (txt, csv, json, xml): the whole file valid UTF-8 without control characters other than tab, CR and
LF; JSON parsed; XML parsed by expat with no DOCTYPE or entity, and nothing a browser would run or render as a page
(XHTML, SVG, XSLT, XInclude, `<script>`, `on…` handlers, `javascript:` links, `xml-stylesheet`)."""

from __future__ import annotations

import codecs
import json
import re
from typing import Any
from xml.parsers import expat

from evidence.domain.invalid import ContentInvalid

CHUNK = 1 << 20
# C0 controls but tab, LF and CR; DEL; C1 controls (U+0080–U+009F, which UTF-8 writes as C2 80–C2 9F)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
ACTIVE_NAMESPACES = {
    "http://www.w3.org/1999/xhtml": "XHTML",
    "http://www.w3.org/2000/svg": "SVG",
    "http://www.w3.org/1999/XSL/Transform": "XSLT",
    "http://www.w3.org/2001/XInclude": "XInclude",
    "http://www.w3.org/1998/Math/MathML": "MathML",
    "urn:schemas-microsoft-com:vml": "VML",
}
ACTIVE_ELEMENTS = frozenset({"html", "script", "iframe", "frame", "object", "embed", "applet", "foreignobject", "svg"})
_ACTIVE_LINK = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")


def check_text(view: Any) -> None:
    """The whole file UTF-8, no control characters but \\t \\r \\n."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(view), CHUNK):
        try:
            decoder.decode(view[start : start + CHUNK])
        except UnicodeDecodeError as error:
            raise ContentInvalid("text.not_utf8", offset=max(0, start + error.start)) from None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ContentInvalid("text.not_utf8", offset=len(view)) from None
    control = _CONTROL.search(view)
    if control:
        raise ContentInvalid("text.control_character", offset=control.start())


def check_json(view: Any) -> None:
    """Text that parses as JSON (no NaN or Infinity; nesting within the parser's depth)."""
    check_text(view)

    def constant(name: str) -> None:
        raise ValueError(f"不允许 {name}")

    try:
        json.loads(bytes(view).decode("utf-8-sig"), parse_constant=constant)
    except json.JSONDecodeError as error:
        raise ContentInvalid("json.invalid", detail=f"第 {error.lineno} 行第 {error.colno} 列格式错误") from None
    except RecursionError:
        raise ContentInvalid("json.invalid", detail="嵌套层数过深") from None
    except ValueError as error:
        raise ContentInvalid("json.invalid", detail=str(error)) from None


class _Refused(Exception):
    def __init__(self, reason: str, found: str = "") -> None:
        self.reason, self.found = reason, found


def _refuse_declaration(*_: Any) -> int:
    raise _Refused("xml.doctype")


def _start(name: str, attributes: dict[str, str]) -> None:
    namespace, _, local = name.rpartition(" ")
    if namespace in ACTIVE_NAMESPACES:
        raise _Refused("xml.active", ACTIVE_NAMESPACES[namespace])
    if local.lower() in ACTIVE_ELEMENTS:
        raise _Refused("xml.active", f"<{local}>")
    for key, value in attributes.items():
        attribute = key.rpartition(" ")[2]
        if attribute.lower().startswith("on"):
            raise _Refused("xml.active", f"{attribute}=")
        if value.strip().lower().replace("\t", "").replace("\n", "").startswith(_ACTIVE_LINK):
            raise _Refused("xml.active", f"{attribute}={value.strip()[:20]}")


def _namespace(prefix: str | None, uri: str) -> None:
    if uri in ACTIVE_NAMESPACES:
        raise _Refused("xml.active", ACTIVE_NAMESPACES[uri])


def _instruction(target: str, data: str) -> None:
    if target.lower() == "xml-stylesheet":
        raise _Refused("xml.active", "xml-stylesheet")


def check_xml(view: Any) -> None:
    """Text that parses as XML, without DOCTYPE or entities, and nothing active (see the module)."""
    check_text(view)
    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.UnparsedEntityDeclHandler = _refuse_declaration
    parser.ExternalEntityRefHandler = _refuse_declaration
    parser.StartNamespaceDeclHandler = _namespace
    parser.StartElementHandler = _start
    parser.ProcessingInstructionHandler = _instruction
    try:
        for start in range(0, len(view), CHUNK):
            parser.Parse(view[start : start + CHUNK], False)
        parser.Parse(b"", True)
    except _Refused as refused:
        if refused.reason == "xml.doctype":
            raise ContentInvalid("xml.doctype") from None
        raise ContentInvalid("xml.active", found=refused.found) from None
    except expat.ExpatError as error:
        raise ContentInvalid("xml.invalid", detail=f"第 {error.lineno} 行第 {error.offset + 1} 列格式错误") from None
