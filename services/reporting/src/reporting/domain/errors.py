"""The reporting service's refusals: a stable code for programs, a Chinese message for people, an HTTP status."""

from __future__ import annotations

from hrss.contracts import PlatformError
from hrss.contracts.errors import FieldError, InvalidRecord, invalid


class UnknownKpi(PlatformError):
    status = 404
    code = "reporting.unknown_kpi"
    template = "没有这项指标：{kpi}（可选：{known}）"


class ReportVersionNotFound(PlatformError):
    status = 404
    code = "reporting.version_not_found"
    template = "节点 {node} {month} 没有第 {version} 版已报送的月报"


class NothingToSubmit(PlatformError):
    status = 409
    code = "reporting.nothing_to_submit"
    template = "节点 {node} {month} 的月报自第 {version} 版报送后没有变化：更正须先录入新的内容"


class CorrectionNeedsReason(PlatformError):
    status = 400
    code = "reporting.reason_required"
    template = "月报已报送过（第 {version} 版），再次报送是更正，须填写 reason 说明原因"


__all__ = [
    "CorrectionNeedsReason",
    "FieldError",
    "InvalidRecord",
    "NothingToSubmit",
    "ReportVersionNotFound",
    "UnknownKpi",
    "invalid",
]
