"""The registry's typed errors: each says its stable code and its Chinese message once, here, and is raised with
the values the message names (`EntityNotFound(entity_id=key)`). Field-level problems of a record are `FieldError`s
inside an `InvalidRecord` (hrss.contracts.errors), their codes next to the rule that finds them."""

from __future__ import annotations

from hrss.contracts.errors import Conflict, NotFound, PlatformError

# -- not found (404) ------------------------------------------------------------------------------------------


class EntityNotFound(NotFound):
    code = "entity.not_found"
    template = "检查对象 {entity_id} 不存在"


class UsccNotRegistered(NotFound):
    code = "entity.not_found"
    template = "统一社会信用代码 {uscc} 未登记"


class InspectorNotFound(NotFound):
    code = "inspector.not_found"
    template = "检查人员 {inspector_id} 不存在"


class InterestNotDeclared(NotFound):
    code = "interest.not_found"
    template = "该人员未申报与 {uscc} 的利害关系"


class CheckItemNotFound(NotFound):
    code = "checklist.not_found"
    template = "抽查事项 {item_id} 不存在"


class CheckItemVersionNotFound(NotFound):
    code = "checklist.version_not_found"
    template = "抽查事项 {item_id} 没有第 {version} 版"


class ImportNotFound(NotFound):
    code = "import.not_found"
    template = "导入批次 {import_id} 不存在"


class RegionNotFound(NotFound):
    """A region code the GB/T 2260 table does not hold; the message is the table's own (format or not listed)."""

    code = "region.unknown"
    template = "{reason}"


# -- conflicts (409) ------------------------------------------------------------------------------------------


class EntityExists(Conflict):
    code = "entity.exists"
    template = "统一社会信用代码 {uscc} 已登记（对象 {existing}），请修改该对象"


class InspectorExists(Conflict):
    code = "inspector.exists"
    template = "执法证号 {credential_no} 已登记（人员 {existing}），请修改该人员"


class InterestExists(Conflict):
    code = "interest.exists"
    template = "该人员已申报与 {uscc} 的利害关系"


# -- files that cannot be imported at all (400) ---------------------------------------------------------------


class ImportRefused(PlatformError):
    """A file that cannot be imported at all: nothing of it has been applied."""

    status = 400
    code = "import.refused"


class FileTooLarge(ImportRefused):
    code = "import.too_large"
    template = "文件过大：{size:,} 字节，上限为 {max_bytes:,} 字节，请拆分后导入"


class EmptyFile(ImportRefused):
    code = "import.empty"
    template = "文件为空：没有表头，也没有数据行"


class HeaderOnly(ImportRefused):
    code = "import.empty"
    template = "文件只有表头，没有数据行"


class EmptySheet(ImportRefused):
    code = "import.empty"
    template = "工作簿的第一个工作表为空：没有表头，也没有数据行"


class HeaderOnlySheet(ImportRefused):
    code = "import.empty"
    template = "工作表只有表头，没有数据行"


class OldExcel(ImportRefused):
    code = "import.format"
    template = "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV（UTF-8）后导入"


class UnsupportedFileType(ImportRefused):
    code = "import.format"
    template = "不支持的文件类型“{suffix}”：只能导入 .csv、.tsv 或 .xlsx 文件"


class ExcelMisnamed(ImportRefused):
    code = "import.format"
    template = "文件内容是 Excel（.xlsx）格式，但扩展名不是 .xlsx，请改名后导入"


class NotAWorkbook(ImportRefused):
    code = "import.format"
    template = "文件扩展名是 .xlsx，但内容不是 Excel 工作簿（可能已损坏或是其他格式）"


class UnreadableWorkbook(ImportRefused):
    code = "import.format"
    template = "无法读取 Excel 工作簿：{error}"


class MalformedHeader(ImportRefused):
    code = "import.format"
    template = "表头格式错误：{error}"


class Utf16File(ImportRefused):
    code = "import.encoding"
    template = "不支持 UTF-16 编码的文件：请另存为“CSV UTF-8”或 GB18030（GBK）编码后导入"


class UnknownHeaderEncoding(ImportRefused):
    code = "import.encoding"
    template = "无法识别表头的字符编码：请将文件另存为“CSV UTF-8”或 GB18030（GBK）编码后重新导入"


class DuplicateColumn(ImportRefused):
    code = "import.header_duplicate"
    template = "表头第 {first} 列和第 {second} 列都是“{label}”"


class UnknownColumns(ImportRefused):
    code = "import.header_unknown"
    template = "表头有无法识别的列：{columns}（可用的列：{allowed}）"


class MissingColumns(ImportRefused):
    code = "import.header_missing"
    template = "缺少必填列：{columns}"


class KnownAtNaive(ImportRefused):
    code = "import.known_at_naive"
    template = "变更知悉时间必须带时区"
