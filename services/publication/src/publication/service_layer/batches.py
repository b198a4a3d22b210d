"""Result events in batches: a consumed batch of `inspection.result_approved` or `inspection.result_published`
events is published in the consumer's one transaction, event by event through `publishing` as ever, over a view of
the repository (`PublicationRepository.buffered`) that has read the batch's results at once and writes their rows
at once. Each node's receipt chain is locked and read once per batch and chained in memory in event order.

The locks are taken before anything is read, in one order every batch keeps (the nodes' chains, then the tasks,
each sorted), so that what publishing reads is what it would have read event by event: no other process writes a
result of a locked node, or learns a locked task, until the batch commits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from publication.service_layer.context import Context
from publication.service_layer.publishing import keeps


@contextmanager
def results_batch(ctx: Context, events: Sequence[Any]) -> Iterator[Context]:
    """A context for publishing this batch of result events (ResultApproved, ResultPublished: each with `node`,
    `result_id` and `task_ids`) with their state loaded; the rows are written when the block ends without error."""
    mine = [e for e in events if keeps(ctx, e.node)]
    repo = ctx.repo.buffered()
    for node in sorted({e.node for e in mine}):
        repo.lock_chain(node)
    results = sorted({str(e.result_id) for e in mine})
    repo.load(results)
    task_ids = {str(t) for e in mine for t in e.task_ids}
    usccs = {e.uscc for e in mine if getattr(e, "uscc", None)}
    for result_id in results:
        kept = repo.approved(result_id)
        if kept is not None:
            task_ids |= {str(t) for t in kept["task_ids"]}
            usccs.add(kept["uscc"])
    for task_id in sorted(task_ids):
        repo.lock_task(task_id)
    repo.load_around(task_ids, usccs)
    yield ctx.with_repository(repo)
    repo.flush()
