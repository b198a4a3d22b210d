"""The verifiable draw (docs/draw-spec.md), in the standard library only, so that anyone can re-run it."""

from hrss.drawkit.encoding import PROFILES, SHA256, SM3, Profile, canonical_json, profile, record
from hrss.drawkit.frame import REASONS, FrameEntry
from hrss.drawkit.package import DrawProcedure, plan_from, plan_json, public_record, task_hash
from hrss.drawkit.sampling import DrawPlan, ItemRule, Pick, Selection, item_quotas, select
from hrss.drawkit.seed import Commitments, Contribution, derive_seed, draw_key
from hrss.drawkit.verify import Report, verify

__all__ = [
    "PROFILES",
    "REASONS",
    "SHA256",
    "SM3",
    "Commitments",
    "Contribution",
    "DrawPlan",
    "DrawProcedure",
    "FrameEntry",
    "ItemRule",
    "Pick",
    "Profile",
    "Report",
    "Selection",
    "canonical_json",
    "derive_seed",
    "draw_key",
    "item_quotas",
    "plan_from",
    "plan_json",
    "profile",
    "public_record",
    "record",
    "select",
    "task_hash",
    "verify",
]
