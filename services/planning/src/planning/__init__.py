"""The planning service: annual plans (年度抽查计划) and inspection tasks (抽查任务)."""
