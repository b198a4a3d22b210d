"""Rules and invariants of plans and tasks; standard library, `hrss.contracts` and the registry's checklist values."""
