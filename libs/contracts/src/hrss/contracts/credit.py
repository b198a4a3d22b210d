"""The credit-risk grade an entity carries in the registry and a task may sample by."""

from __future__ import annotations

from enum import StrEnum


class CreditGrade(StrEnum):
    """Labour-integrity / credit-risk class: A low risk … D high risk (C or worse is inspected more)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


GRADE_LABELS = {CreditGrade.A: "A", CreditGrade.B: "B", CreditGrade.C: "C", CreditGrade.D: "D"}
