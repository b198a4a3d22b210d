"""The service policy grants only its buckets' append-and-read actions and denies every way around object lock."""

from __future__ import annotations

import pytest

from hrss.storage.policy import FORBIDDEN, service_policy


def test_a_service_policy_allows_nothing_forbidden_and_nothing_outside_its_buckets() -> None:
    policy = service_policy(["hrss-draw"])
    allowed = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    actions = {a for s in allowed for a in s["Action"]}
    assert not actions & set(FORBIDDEN)
    assert all(a.startswith("s3:") and "*" not in a for a in actions)  # no admin:*, no wildcard
    assert {r for s in allowed for r in s["Resource"]} == {"arn:aws:s3:::hrss-draw", "arn:aws:s3:::hrss-draw/*"}
    denied = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert {"s3:BypassGovernanceRetention", "s3:DeleteObjectVersion", "s3:PutBucketPolicy"} <= set(denied[0]["Action"])


def test_a_service_policy_names_a_bucket() -> None:
    with pytest.raises(ValueError):
        service_policy([])
