"""The archive and access rules: versions only grow, evidence is withdrawn not removed, two different approvers
who are not the requester, grants checked for holder, scope, mode and time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from evidence.domain.access import Decision, Grant, check_decision, check_grant, granted
from evidence.domain.archives import Contents, canonical, manifest
from evidence.domain.errors import AccessRefused, Conflict, Rejected

NOW = datetime(2027, 5, 1, 2, 0, tzinfo=UTC)


def _entry(evidence_id: str) -> dict[str, str]:
    return {"evidence_id": evidence_id, "uploaded_at": "2027-04-10T02:00:00+00:00"}


def test_an_amendment_adds_and_withdraws_but_never_drops_evidence() -> None:
    v1 = Contents({"overall": "no_problem"}, {"record_sha256": "0" * 64}, [{**_entry("a"), "status": "included"}])
    v2 = v1.amended([_entry("b")], ["a"], None)
    assert {e["evidence_id"]: e["status"] for e in v2.evidence} == {"a": "withdrawn", "b": "included"}
    assert v1.evidence == [{**_entry("a"), "status": "included"}]  # the earlier version is untouched
    with pytest.raises(Conflict):
        v2.amended([_entry("a")], [], None)
    with pytest.raises(Conflict):
        v2.amended([], ["a"], None)
    with pytest.raises(Rejected):
        v2.amended([], [], None)
    assert v2.amended([], [], {"overall": "corrected"}).result == {"overall": "corrected"}


def test_a_manifest_is_canonical_and_names_the_previous_version() -> None:
    contents = Contents({"b": 1, "a": "检"}, {}, [])
    args = dict(archive_id="x", node="130102", visit_id="v", result_id="r", uscc="u" * 18, entity_name="e")
    doc = manifest(version=2, contents=contents, filed_at=NOW.isoformat(), previous=(1, "sha256", "d" * 64), **args)  # type: ignore[arg-type]
    assert doc["previous"] == {"version": 1, "algorithm": "sha256", "manifest_digest": "d" * 64}
    assert canonical(doc) == canonical(dict(reversed(list(doc.items()))))
    assert "检".encode() in canonical(doc) and b" " not in canonical({"a": [1, 2]})


def test_two_different_approvers_in_the_two_positions_grant_access() -> None:
    head = Decision("department_head", "approve", "li")
    check_decision("zhang", "li", "department_head", [])
    with pytest.raises(AccessRefused):
        check_decision("zhang", "zhang", "department_head", [])
    with pytest.raises(AccessRefused):
        check_decision("zhang", "li", "leader_in_charge", [head])
    with pytest.raises(Conflict):
        check_decision("zhang", "wang", "department_head", [head])
    with pytest.raises(Conflict):
        check_decision("zhang", "wang", "leader_in_charge", [Decision("department_head", "refuse", "li")])
    assert not granted([head])
    assert granted([head, Decision("leader_in_charge", "approve", "wang")])


def test_a_grant_is_checked_for_holder_scope_mode_and_time() -> None:
    grant = Grant("g", "a1", (1, 2), "read", "zhang", NOW, NOW + timedelta(hours=1))
    check_grant(grant, "zhang", "a1", 2, NOW + timedelta(minutes=5))
    cases = [
        (None, "zhang", "a1", 1, NOW, "read", "access.grant_required"),
        (grant, "wang", "a1", 1, NOW, "read", "access.grant_not_yours"),
        (grant, "zhang", "a2", 1, NOW, "read", "access.grant_out_of_scope"),
        (grant, "zhang", "a1", 3, NOW, "read", "access.grant_out_of_scope"),
        (grant, "zhang", "a1", 1, NOW, "borrow", "access.grant_read_only"),
        (grant, "zhang", "a1", 1, NOW + timedelta(hours=1), "read", "access.grant_expired"),
        (grant, "zhang", "a1", 1, NOW - timedelta(seconds=1), "read", "access.grant_expired"),
    ]
    for g, reader, archive, version, at, mode, code in cases:
        with pytest.raises(AccessRefused) as refused:
            check_grant(g, reader, archive, version, at, mode)
        assert refused.value.code == code
