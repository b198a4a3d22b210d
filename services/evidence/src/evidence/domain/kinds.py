"""The six kinds of evidence (004 §11.1) and what may be said of each."""

from __future__ import annotations

from enum import StrEnum


class EvidenceKind(StrEnum):
    DOCUMENTARY = "documentary"  # 书证
    PHYSICAL = "physical"  # 物证 (photographs or scans of the object)
    AUDIO_VISUAL = "audio_visual"  # 视听资料、电子数据
    THIRD_PARTY = "third_party"  # 第三方证明
    STATEMENT = "statement"  # 陈述材料
    OTHER = "other"  # 其他证据：现场笔录、约谈记录、会议纪要

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    EvidenceKind.DOCUMENTARY: "书证",
    EvidenceKind.PHYSICAL: "物证",
    EvidenceKind.AUDIO_VISUAL: "视听资料、电子数据",
    EvidenceKind.THIRD_PARTY: "第三方证明",
    EvidenceKind.STATEMENT: "陈述材料",
    EvidenceKind.OTHER: "其他证据",
}
