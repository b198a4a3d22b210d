"""The OpenAPI document built from a route table: path parameters and what a success answer carries."""

from __future__ import annotations

from pydantic import BaseModel

from hrss.observability.openapi import build_openapi, path_parameters


class NoteBody(BaseModel):
    text: str


ROUTES = [
    ("GET", "/visits/{visit_id}/notices/{notice_id}.pdf", "告知书 PDF", None, 200, []),
    ("GET", "/results/{result_id}/versions/{version}/record.pdf", "检查记录表 PDF", None, 200, []),
    ("POST", "/nodes/{node}/notes", "备注", NoteBody, 201, []),
]


def parameters(document: dict, method: str, path: str) -> dict[str, dict]:
    operation = document["paths"][path][method]
    return {p["name"]: p for p in operation["parameters"] if p["in"] == "path"}


def test_text_after_a_parameter_in_the_same_segment_stays_literal() -> None:
    assert path_parameters("/visits/{visit_id}/notices/{notice_id}.pdf") == ["visit_id", "notice_id"]
    assert path_parameters("/results/{result_id}/versions/{version}/record.pdf") == ["result_id", "version"]
    assert path_parameters("/files/report-{year}-{month}.csv") == ["year", "month"]
    assert path_parameters("/categories") == []


def test_every_parameter_of_a_path_template_is_documented_by_its_own_name() -> None:
    document = build_openapi("测试", ROUTES, {"404": "不存在"})
    notice = parameters(document, "get", "/visits/{visit_id}/notices/{notice_id}.pdf")
    assert set(notice) == {"visit_id", "notice_id"}
    assert notice["notice_id"]["schema"] == {"type": "string", "format": "uuid"} and notice["notice_id"]["required"]
    assert set(parameters(document, "get", "/results/{result_id}/versions/{version}/record.pdf")) == {
        "result_id",
        "version",
    }
    assert parameters(document, "post", "/nodes/{node}/notes")["node"]["schema"]["pattern"] == "^[1-9][0-9]{5}$"


def test_a_pdf_route_documents_a_pdf_and_others_a_json_object() -> None:
    document = build_openapi("测试", ROUTES, {"404": "不存在"})
    pdf = document["paths"]["/visits/{visit_id}/notices/{notice_id}.pdf"]["get"]["responses"]["200"]["content"]
    assert list(pdf) == ["application/pdf"]
    note = document["paths"]["/nodes/{node}/notes"]["post"]
    assert list(note["responses"]["201"]["content"]) == ["application/json"]
    assert note["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/NoteBody"}
    assert list(note["responses"]["404"]["content"]) == ["application/json"]
