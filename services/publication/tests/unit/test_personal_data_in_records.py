"""Personal data in what a result publishes: a home address in the findings and an individual business named by its
owner (object type as the registry's events carry it, `individual_business`) never reach the public record."""

from __future__ import annotations

from publication_harness import Publication
from publication_testkit import approved, decision, entity, result_id


def test_a_home_address_in_the_findings_and_the_owner_s_name_are_masked_in_the_public_record() -> None:
    s = Publication()
    s.receive(entity(1, "individual_business", "王小二"))
    findings = "经营者王小二称，家住杭州市上城区解放路123号2单元301室，已按月发放工资。"
    s.receive(approved(1, findings=findings, name="王小二"), decision(1))
    [record] = s.repo.versions("result", str(result_id(1)))
    text = str(record.content)
    assert "解放路123号" not in text and "301室" not in text and "王小二" not in text
    assert record.content["entity_name"] == "王**"
    assert "家住杭州市上城区" in record.content["items"][0]["findings"]  # the coarse part stays
