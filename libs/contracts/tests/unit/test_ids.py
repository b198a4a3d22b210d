"""Time-ordered ids: valid version-7 UUIDs, strictly increasing from one generator, unique across generators."""

import uuid

from hrss.contracts.ids import time_ordered_ids


def test_ids_are_version_7_uuids_that_increase_strictly() -> None:
    ids = list(time_ordered_ids(5000))
    parsed = [uuid.UUID(i) for i in ids]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert ids == sorted(ids) and len(set(ids)) == 5000
    assert [str(u) for u in parsed] == ids


def test_two_generators_never_make_the_same_id() -> None:
    assert not set(time_ordered_ids(3000)) & set(time_ordered_ids(3000))


def test_an_endless_generator_keeps_going_past_one_block() -> None:
    ids = time_ordered_ids()
    batch = [next(ids) for _ in range(2100)]
    assert len(set(batch)) == 2100 and batch == sorted(batch)
