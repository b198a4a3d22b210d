"""The snapshot cache bootstrap puts in front of the object store (it replaced a process-global dict)."""

from __future__ import annotations

from draw.adapters.snapshots import CachedSnapshots, MemorySnapshots


class CountingSnapshots(MemorySnapshots):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, key: str, sha256: str) -> bytes:
        self.reads += 1
        return super().get(key, sha256)


def test_a_cached_store_reads_each_snapshot_once_and_keeps_only_the_last_few() -> None:
    inner = CountingSnapshots()
    store = CachedSnapshots(inner, size=2)
    digests = {k: store.put(k, k.encode()) for k in ("a", "b", "c")}
    assert [store.get("a", digests["a"]) for _ in range(3)] == [b"a"] * 3
    assert inner.reads == 1
    store.get("b", digests["b"])
    store.get("c", digests["c"])  # "a" is now the least recently read: it goes
    store.get("a", digests["a"])
    assert inner.reads == 4
