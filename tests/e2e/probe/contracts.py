"""The probe's one event: a dispatch addressed to a county."""

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict

from hrss.contracts import NodeCode, event_contract


@event_contract("probe.dispatched", 1, addressed=True)
class Dispatched(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dispatch_id: uuid.UUID
    batch: str
    seq: int
    county: NodeCode
    created_at: AwareDatetime


__all__ = ["Dispatched", "datetime"]
