"""Issue 17 item 7: whole files are validated by kind once received, and what fails is quarantined (kept under lock
at `quarantine/…`, recorded, never evidence); good files of every kind still pass. On the fakes."""

from __future__ import annotations

import io
import uuid

import pytest
from evidence.service_layer.commands import UploadEvidence
from evidence.service_layer.uploads import Upload
from evidence_files import HOSTILE, image, zipped
from evidence_office import INSPECTOR, Office
from evidence_testkit import COUNTY

from hrss.contracts import PlatformError
from hrss.testing.documents import pdf_document


@pytest.fixture
def office() -> Office:
    return Office()


def _upload(office: Office, filename: str, data: bytes, kind: str = "documentary") -> UploadEvidence:
    return UploadEvidence(Upload(COUNTY, office.visit_id, kind, filename), io.BytesIO(data), len(data))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_refused_with_422_and_quarantined_not_dropped(office: Office, name: str) -> None:
    filename, data = HOSTILE[name]
    with pytest.raises(PlatformError) as refused:
        office.call(INSPECTOR, _upload(office, filename, data))
    error = refused.value
    assert (error.status, error.code) == (422, "evidence.content_invalid"), error
    body = error.to_dict()
    assert body["errors"][0]["field"] == "file" and "隔离" in body["message"]  # type: ignore[index]
    assert office.repo.records == {} and office.events == []
    [kept] = office.repo.quarantine.values()
    assert (kept.node, kept.visit_id, kept.filename, kept.code) == (COUNTY, office.visit_id, filename, error.code)
    assert kept.reason == body["reason"] and kept.uploaded_by == INSPECTOR.account_id and kept.size == len(data)
    assert office.store.read(kept.object_key, kept.version_id) == data  # the bytes, as received
    assert kept.object_key.startswith(f"quarantine/{COUNTY}/{office.visit_id}/")
    assert office.store.retention(kept.object_key, kept.version_id) is not None  # under lock
    assert [k for k, _ in office.store.objects if k.startswith("evidence/")] == []  # nothing left as evidence
    assert [code for code, _, _ in office.repo.rejections.values()] == ["evidence.content_invalid"]


GOOD = [
    ("照片.png", image("PNG")),
    ("照片.jpg", image("JPEG")),
    ("照片.gif", image("GIF")),
    ("扫描.tif", image("TIFF")),
    ("照片.webp", image("WEBP")),
    ("扫描.bmp", image("BMP")),
    ("账簿.pdf", pdf_document("工资支付台账 2026 年", size=20_000)),
    ("笔录.txt", ("现场笔录\t企业负责人在场\r\n" * 2000).encode()),
    ("台账.csv", "姓名,工资\n张三,5000\n".encode()),
    ("数据.json", '{"姓名": "张三", "工资": [5000, 5100]}'.encode()),
    ("数据.xml", '<?xml version="1.0"?><台账 xmlns:x="urn:x"><x:行 序号="1">张三</x:行></台账>'.encode()),
    ("材料.zip", zipped({"记录.txt": "现场检查记录".encode() * 100, "照片.png": image("PNG")})),
]


@pytest.mark.parametrize(("filename", "data"), GOOD, ids=[name for name, _ in GOOD])
def test_good_files_of_every_kind_are_recorded(office: Office, filename: str, data: bytes) -> None:
    kept = office.call(INSPECTOR, _upload(office, filename, data))
    assert kept["size"] == len(data) and office.repo.quarantine == {}


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("照片.png", image("PNG")[:-30], "image.undecodable"),
        ("照片.jpg", image("JPEG") + b"trailing", "image.trailing_data"),
        ("照片.gif", image("GIF") + zipped({"a.txt": b"a"}), "image.trailing_data"),
        ("账簿.pdf", pdf_document("x") + b"\n" + b"MZ" * 10, "pdf.data_after_eof"),
        ("账簿.pdf", b"%PDF-1.4\n" + "工资支付台账".encode() + b"\n%%EOF\n", "pdf.unreadable"),
        ("账簿.pdf", pdf_document("x", catalog=b"/Names<</EmbeddedFiles 5 0 R>>", objects=(b"<<>>",)), "pdf.active"),
        ("账簿.pdf", pdf_document("x", catalog=b"/OpenAction<</S/Launch/F(cmd.exe)>>"), "pdf.active"),
        ("账簿.pdf", pdf_document("x", catalog=b"/AA<</O<</S/J#61vaScript/JS(1)>>>>"), "pdf.active"),
        ("笔录.txt", "笔录\x1b[2J".encode(), "text.control_character"),
        ("笔录.txt", "笔录".encode() + b"\xff\xfe", "text.not_utf8"),
        ("数据.json", b'{"a": 1,}', "json.invalid"),
        ("数据.json", b"[" * 100_000, "json.invalid"),
        ("数据.xml", b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "xml.doctype"),
        ("数据.xml", b"<a><b></a>", "xml.invalid"),
        ("数据.xml", b'<a xmlns:h="http://www.w3.org/1999/xhtml"><h:p>x</h:p></a>', "xml.active"),
        ("数据.xml", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "xml.active"),
        ("数据.xml", b'<a><b onclick="x()">1</b></a>', "xml.active"),
        ("数据.xml", b'<?xml-stylesheet type="text/xsl" href="x.xsl"?><a/>', "xml.active"),
        ("材料.zip", zipped({"run.sh": b"#!/bin/sh\nrm -rf /\n"}), "zip.executable_entry"),
        ("材料.zip", zipped({"readme.txt": b"\x7fELF\x02\x01\x01" + b"\x00" * 64}), "zip.executable_entry"),
        ("表.xlsx", zipped({"[Content_Types].xml": b"<a/>", "xl/vbaProject.bin": b"\xd0\xcf"}), "zip.executable_entry"),
        ("材料.zip", zipped({"inner.tar.gz": b"\x1f\x8b\x08" + b"\x00" * 20}), "zip.nested_archive"),
    ],
)
def test_each_kind_is_checked_whole(office: Office, filename: str, data: bytes, reason: str) -> None:
    with pytest.raises(PlatformError) as refused:
        office.call(INSPECTOR, _upload(office, filename, data))
    assert refused.value.to_dict().get("reason") == reason, refused.value
    assert len(office.repo.quarantine) == 1


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded() -> None:
    office = Office(max_pixels=1000)
    with pytest.raises(PlatformError) as refused:
        office.call(INSPECTOR, _upload(office, "照片.png", image("PNG", (100, 100))))
    assert refused.value.to_dict().get("reason") == "image.too_many_pixels"


def test_media_with_another_file_after_its_declared_end_is_refused() -> None:
    office = Office()
    box = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x10mdat" + b"\x00" * 8
    assert office.call(INSPECTOR, _upload(office, "录像.mp4", box, "audio_visual"))["size"] == len(box)
    with pytest.raises(PlatformError) as refused:
        office.call(INSPECTOR, _upload(office, "录像2.mp4", box + zipped({"a.txt": b"a"}), "audio_visual"))
    assert refused.value.to_dict().get("reason") == "media.trailing_file"


def test_the_quarantine_is_listed_for_the_nodes_approvers_and_keepers_only(office: Office) -> None:
    from evidence.service_layer.commands import ListQuarantine
    from evidence_office import APPROVER, KEEPER

    filename, data = HOSTILE["zip_with_exe_inside"]
    with pytest.raises(PlatformError):
        office.call(INSPECTOR, _upload(office, filename, data))
    for reader in (APPROVER, KEEPER):
        [entry] = office.call(reader, ListQuarantine(COUNTY))["quarantined"]
        assert (entry["filename"], entry["code"], entry["uploaded_by"]) == (
            filename,
            "evidence.content_invalid",
            INSPECTOR.account_id,
        )
        assert entry["reason"] == "zip.executable_entry" and entry["visit_id"] == office.visit_id
        assert "object_key" not in entry  # where the bytes lie is not handed out; they are never served
    assert office.refusal(INSPECTOR, ListQuarantine(COUNTY)).startswith("access.")
    assert office.call(KEEPER, ListQuarantine(COUNTY, visit_id=str(uuid.uuid4())))["quarantined"] == []
