"""The refusal of a received file that failed the whole-file check of its kind (`adapters/validation`): 422
`evidence.content_invalid`, with a stable reason code and its Chinese message, defined once here."""

from __future__ import annotations

from evidence.domain.errors import Rejected

# why a whole file failed its check (`ContentInvalid.reason`): stable codes, Chinese for the uploader
INVALID_REASONS = {
    "image.undecodable": "图片无法完整解码（文件损坏或不是所声明的格式）",
    "image.trailing_data": "图片结束标记之后还有其他数据",
    "image.too_many_pixels": "图片像素数 {pixels} 超过上限 {limit}，疑似解压炸弹",
    "image.embedded_file": "图片中夹带了其他文件（{found}）",
    "pdf.unreadable": "PDF 文件结构无法解析",
    "pdf.data_after_eof": "PDF 文件结束标记 %%EOF 之后还有其他数据",
    "pdf.encrypted": "PDF 已加密，无法检查其内容，请上传未加密的文件",
    "pdf.active": "PDF 含脚本、启动操作或嵌入文件（{found}），不能作为证据",
    "text.not_utf8": "文本不是有效的 UTF-8 编码（第 {offset} 字节起）",
    "text.control_character": "文本含控制字符（第 {offset} 字节），只允许制表、回车和换行",
    "json.invalid": "JSON 无法解析：{detail}",
    "xml.invalid": "XML 无法解析：{detail}",
    "xml.doctype": "XML 不能含文档类型声明（DOCTYPE）或实体定义",
    "xml.active": "XML 含网页、脚本或样式表内容（{found}），不能作为证据",
    "zip.executable_entry": "压缩包内含可执行程序或脚本（{name}）",
    "zip.nested_archive": "压缩包内含其他压缩文件（{name}），请解压后分别上传",
    "zip.encrypted": "压缩包内文件 {name} 已加密，无法检查",
    "zip.trailing_data": "压缩包的目录之前或之后还有其他数据",
    "office.macros": "文档含宏代码，请另存为不含宏的文档后上传",
    "office.embedded_program": "文档中夹带了可执行程序（{found}）",
    "media.trailing_file": "音视频文件声明的结束位置之后夹带了其他文件（{found}）",
    "media.embedded_file": "音视频文件中夹带了其他文件（{found}）",
}


class ContentInvalid(Rejected):
    """A received file that failed the whole-file check of its kind; it is quarantined, never evidence."""

    status = 422
    code = "evidence.content_invalid"
    template = "文件内容未通过检查：{why}。该文件已隔离保存，未作为证据登记，请核对后重新上传"
    field = "file"

    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(why=INVALID_REASONS[reason].format(**values))
        self.reason = reason

    def to_dict(self) -> dict[str, object]:  # type: ignore[override]
        body = super().to_dict()
        body["reason"] = self.reason
        body["errors"][0]["reason"] = self.reason  # type: ignore[index]
        return body
