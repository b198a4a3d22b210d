"""Nodes: a province, city or county named by its 6-digit GB/T 2260 region code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator

_CODE = re.compile(r"^[1-9]\d{5}$")


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class InvalidNodeCode(ValueError):
    """A string that is not a 6-digit region code."""


def check_code(code: str) -> str:
    """Return the code if it is a well-formed 6-digit region code, else raise."""
    if not isinstance(code, str) or not _CODE.match(code):
        raise InvalidNodeCode(f"行政区划代码必须是 6 位数字：{code!r}")
    if code[2:4] == "00" and code[4:6] != "00":
        raise InvalidNodeCode(f"行政区划代码的市级位不能为 00：{code!r}")
    return code


NodeCode = Annotated[str, AfterValidator(check_code)]


@dataclass(frozen=True, order=True)
class Node:
    """A node of the province → city → county tree."""

    code: str

    def __post_init__(self) -> None:
        check_code(self.code)

    @property
    def level(self) -> Level:
        if self.code.endswith("0000"):
            return Level.PROVINCE
        if self.code.endswith("00"):
            return Level.CITY
        return Level.COUNTY

    @property
    def parent(self) -> Node | None:
        """The node above: none for a province, the city for a county."""
        if self.level is Level.PROVINCE:
            return None
        if self.level is Level.CITY:
            return Node(self.code[:2] + "0000")
        return Node(self.code[:4] + "00")

    @property
    def path(self) -> tuple[str, ...]:
        """The codes from the province down to this node (GB/T 2260: 130102 → 130000, 130100, 130102): the region
        tree a search facets and filters on."""
        above = self.parent
        return (self.code,) if above is None else (*above.path, self.code)

    def contains(self, other: Node) -> bool:
        """True if `other` is this node or lies in its subtree."""
        if self.level is Level.PROVINCE:
            return other.code[:2] == self.code[:2]
        if self.level is Level.CITY:
            return other.code[:4] == self.code[:4]
        return other.code == self.code


def parse_nodes(value: str | int | list[str] | tuple[str, ...]) -> tuple[Node, ...]:
    """Parse the node list a process serves ("330000,330102", a list, or one code read as a number)."""
    items = str(value).split(",") if isinstance(value, (str, int)) else [str(item) for item in value]
    codes = sorted({item.strip() for item in items if item and item.strip()})
    if not codes:
        raise InvalidNodeCode("进程必须配置至少一个节点（HRSS_NODES）")
    return tuple(Node(code) for code in codes)


def producing_node(served: tuple[str, ...], node: str | None = None) -> str:
    """The node an event is produced for: `node` if this process serves it, else the only node it serves."""
    if node is not None:
        if node not in served:
            raise ValueError(f"node {node} is not served by this process ({', '.join(served)})")
        return node
    if len(served) != 1:
        raise ValueError("this process serves several nodes: say which one produces the event")
    return served[0]
