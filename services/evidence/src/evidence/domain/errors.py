"""The evidence service's refusals: each with its stable code for programs, its Chinese message for people (defined
once, here) and its HTTP status. Raised with the values the message names: `ArchiveNotFound(archive_id=key)`."""

from __future__ import annotations

from hrss.contracts import PlatformError


class Rejected(PlatformError):
    """An upload or request refused for its content (HTTP 400 unless a subclass says otherwise), naming the field."""

    field: str = "<body>"

    def __init__(
        self, code: str | None = None, message: str | None = None, field: str | None = None, **values: object
    ) -> None:
        super().__init__(code, message, **values)
        if field is not None:
            self.field = field

    def to_dict(self) -> dict[str, object]:  # type: ignore[override]
        return {
            "code": self.code,
            "message": self.message,
            "errors": [{"field": self.field, "code": self.code, "message": self.message}],
        }


class TooLarge(Rejected):
    status = 413


class UnsupportedContent(Rejected):
    status = 415


class ChecksumMismatch(Rejected):
    status = 422
    code = "evidence.checksum_mismatch"
    template = "文件校验值不符：声明的 {algorithm} 为 {declared}，实际收到的内容为 {digest}，文件可能在传输中损坏"
    field = "checksum"


class NotFound(PlatformError):
    status = 404


class Conflict(PlatformError):
    status = 409


class AccessRefused(PlatformError):
    """A read or step refused by the archive rules (no grant, expired, out of scope, wrong approver): 403."""

    status = 403


class StoredObjectCorrupt(PlatformError):
    status = 500  # our fault: the platform kept something it cannot vouch for
    code = "evidence.stored_object_corrupt"
    template = "存储的对象与登记的摘要不符，已记录，请联系档案管理员"


# -- the request and its body -----------------------------------------------------------------


class BodyTooLarge(TooLarge):
    code = "evidence.too_large"
    template = "请求体超过允许的大小"
    field = "file"


class BodyIncomplete(Rejected):
    code = "request.body_incomplete"
    template = "请求体未完整收到，请重新上传"
    field = "file"


class InvalidVersion(Rejected):
    code = "request.invalid_version"
    template = "version 应为 1 至 100000 的整数"
    field = "version"


class NodeRequired(Rejected):
    code = "request.node_required"
    template = "请指定节点 node"
    field = "node"


class InvalidNode(Rejected):
    code = "request.invalid_node"
    template = "node 应为 6 位行政区划代码"
    field = "node"


# -- uploads ------------------------------------------------------------------------------------


class FileTooLarge(TooLarge):
    """A declared length over the limit (`size` known) or more bytes than the limit while streaming."""

    code = "evidence.too_large"
    template = "文件超过允许的大小 {mb} MB（{limit} 字节）"
    field = "file"


class DeclaredTooLarge(FileTooLarge):
    template = "文件大小 {length} 字节超过允许的 {mb} MB（{limit} 字节）"


class EmptyFile(Rejected):
    code = "evidence.empty"
    template = "文件为空，请选择要上传的文件"
    field = "file"


class IncompleteUpload(Rejected):
    code = "evidence.incomplete"
    template = "上传未完成：收到的字节数与声明的长度不符"
    field = "file"


class FilenameInvalid(Rejected):
    code = "evidence.filename_invalid"
    template = "文件名不能为空，不能含路径分隔符或控制字符，且不超过 255 字符"
    field = "filename"


class ExtensionMissing(Rejected):
    code = "evidence.extension_missing"
    template = "文件名须带扩展名（如 .pdf、.jpg）"
    field = "filename"


class TypeNotAllowed(UnsupportedContent):
    code = "evidence.type_not_allowed"
    template = "不接受 .{ext} 文件；可上传：{allowed}"
    field = "filename"


class ContentMismatch(UnsupportedContent):
    code = "evidence.content_mismatch"
    template = "文件扩展名 .{extension} 与文件内容（{found}）不符，请核对后重新上传"
    field = "file"


class ZipTooManyEntries(Rejected):
    code = "evidence.zip_too_many_entries"
    template = "压缩包内文件过多（{count} 个，上限 {limit}）"
    field = "file"


class ZipExpandsTooFar(Rejected):
    code = "evidence.zip_expands_too_far"
    template = "压缩包解压后共 {expanded} 字节，超过上限 {limit} 字节"
    field = "file"


class ZipRatioTooHigh(ZipExpandsTooFar):
    template = "压缩包压缩比 {ratio}:1 超过上限 {limit}:1，疑似压缩炸弹"


class ZipNested(Rejected):
    code = "evidence.zip_nested"
    template = "压缩包内不能再含压缩包，请解压后分别上传"
    field = "file"


class ZipInvalid(Rejected):
    code = "evidence.zip_invalid"
    template = "压缩包已损坏或格式无法识别"
    field = "file"


class AlgorithmUnknown(Rejected):
    code = "evidence.algorithm_unknown"
    template = "不支持的摘要算法 {algorithm!r}，可选 sha256 或 sm3"
    field = "algorithm"


class AlgorithmUnavailable(Rejected):
    code = "evidence.algorithm_unavailable"
    template = "本服务器的 OpenSSL 不提供 SM3 算法，请改用 sha256"
    field = "algorithm"


class ChecksumMalformed(Rejected):
    code = "evidence.checksum_malformed"
    template = "声明的校验值应为 64 位十六进制数字"
    field = "checksum"


class EvidenceNotFound(NotFound):
    code = "evidence.not_found"
    template = "证据 {evidence_id} 不存在"


# -- the visit an upload goes to ------------------------------------------------------------------


class VisitUnknown(Rejected):
    status = 404
    code = "evidence.visit_unknown"
    template = "本服务尚未收到检查 {visit_id}：检查刚开启时需要片刻同步，请稍后重试；如仍不存在，请核对检查编号"
    field = "visit_id"


class VisitOfOtherNode(Rejected):
    code = "evidence.visit_other_node"
    template = "检查 {visit_id} 不属于节点 {node}，证据只能上传到该节点的检查"
    field = "node"


class VisitClosed(Rejected):
    status = 409
    code = "evidence.visit_closed"
    template = "检查 {visit_id} 已关闭{why}，不能再上传证据"
    field = "visit_id"


# -- archives and amendments ----------------------------------------------------------------------


class ArchiveNotFound(NotFound):
    code = "archive.not_found"
    template = "档案 {archive_id} 不存在"


class ArchiveNotFiled(NotFound):
    code = "archive.not_filed"
    template = "检查 {visit_id} 尚未归档"


class VersionNotFound(NotFound):
    code = "archive.version_not_found"
    template = "档案 {archive_id} 没有第 {version} 版"


class EvidenceNotInVersion(NotFound):
    code = "archive.evidence_not_in_version"
    template = "档案第 {version} 版不含证据 {evidence_id}"


class EvidenceUnknown(Rejected):
    code = "archive.evidence_unknown"
    template = "证据 {ids} 不存在或不属于本次检查"
    field = "add_evidence"


class EvidenceAlreadyFiled(Conflict):
    code = "archive.evidence_already_filed"
    template = "证据 {evidence_id} 已在档案中"


class EvidenceNotFiled(Conflict):
    code = "archive.evidence_not_filed"
    template = "证据 {evidence_id} 不在档案当前版本中，无法撤出"


class AmendmentEmpty(Rejected):
    code = "archive.amendment_empty"
    template = "更正须至少增补或撤出一份证据，或更正检查结果"
    field = "add_evidence"


class AmendmentNotFound(NotFound):
    code = "amendment.not_found"
    template = "更正申请 {amendment_id} 不存在"


class AmendmentSelfApproval(AccessRefused):
    code = "amendment.self_approval"
    template = "经办人不能审定自己提出的档案更正"


class AmendmentDecided(Conflict):
    code = "amendment.decided"
    template = "该更正申请已审定"


class AmendmentStale(Conflict):
    code = "amendment.stale"
    template = "档案已更新至第 {latest} 版，该申请基于第 {base} 版，请重新提出"


# -- access requests and grants -------------------------------------------------------------------


class VersionUnknown(Rejected):
    code = "access.version_unknown"
    template = "档案没有第 {versions} 版"
    field = "versions"


class ValidityInvalid(Rejected):
    code = "access.validity_invalid"
    template = "有效期须晚于当前时间且不超过 {days} 天"
    field = "valid_until"


class RequestNotFound(NotFound):
    code = "access.request_not_found"
    template = "查阅申请 {request_id} 不存在"


class RequestExpired(Conflict):
    code = "access.request_expired"
    template = "申请的有效期已过，请重新申请"


class RequestRefused(Conflict):
    code = "access.request_refused"
    template = "该申请已被拒绝"


class PositionDecided(Conflict):
    code = "access.position_decided"
    template = "{position}已对该申请作出审批"


class SelfApproval(AccessRefused):
    code = "access.self_approval"
    template = "申请人不能审批自己的查阅或借阅申请"


class SameApprover(AccessRefused):
    code = "access.same_approver"
    template = "部门负责人和分管领导须由两名不同人员审批，同一人不能以两种职务审批"


class GrantNotFound(NotFound):
    code = "access.grant_not_found"
    template = "批准记录 {grant_id} 不存在"


class GrantRequired(AccessRefused):
    code = "access.grant_required"
    template = "查阅已归档档案须经部门负责人和分管领导批准，请先提出查阅申请"


class GrantNotYours(AccessRefused):
    code = "access.grant_not_yours"
    template = "该批准记录属于其他人员，不能使用"


class GrantOutOfScope(AccessRefused):
    code = "access.grant_out_of_scope"
    template = "批准范围为档案 {archive_id} 第 {versions} 版，不含所请求的内容"


class GrantReadOnly(AccessRefused):
    code = "access.grant_read_only"
    template = "该批准仅限查阅，不含借阅"


class GrantExpired(AccessRefused):
    code = "access.grant_expired"
    template = "批准已于 {valid_until} 到期，请重新申请"


# -- the borrowing register -----------------------------------------------------------------------


class BorrowingOpen(Conflict):
    code = "borrowing.open"
    template = "该档案已借出尚未归还"


class DueBackPast(Rejected):
    code = "borrowing.due_back_past"
    template = "归还日期不能早于今天"
    field = "due_back"


class BorrowingNotFound(NotFound):
    code = "borrowing.not_found"
    template = "借阅记录 {borrowing_id} 不存在"


class BorrowingReturned(Conflict):
    code = "borrowing.returned"
    template = "该借阅已登记归还"


class NoteRequired(Rejected):
    code = "borrowing.note_required"
    template = "档案{condition}，须注明有关情况"
    field = "note"


class SearchUnavailable(PlatformError):
    status = 503
    code = "search.unavailable"
    template = "本服务未配置档案检索"


class SearchRejected(Rejected):
    """A search parameter the archive search cannot use (words missing, page size, cursor), naming the field."""

    code = "search.invalid"
    template = "{message}"
