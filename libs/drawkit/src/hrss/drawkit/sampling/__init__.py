"""Tickets, strata, quotas and the stratified selection; batch order, replacement and expansion
(docs/draw-spec.md §6–8). Integers and rationals only: no floating point anywhere.

- `quotas`: the item rules, the plan and the quotas q[s][i].
- `tickets`: the ticket functions of each profile, and a stratum's smallest tickets.
- `picks`: the picks of a selection in global ticket order, with items and batches.
- `parallel`: the native kernel in threads, or hashlib in forked processes, over many strata.
- `selection`: the stratified selection itself.
- `later_picks`: replacement of an invalid pick and expansion to a larger quota.

The names below are those other code imports from `hrss.drawkit.sampling`.
"""

from hrss.drawkit.sampling.later_picks import (
    Orders,
    expansion,
    expansion_in,
    frame_orders,
    replacement,
    replacement_in,
)
from hrss.drawkit.sampling.parallel import NativeSmallest, accelerator, native_kernel
from hrss.drawkit.sampling.picks import Accelerator, Pick, Selection, selection_of
from hrss.drawkit.sampling.quotas import DrawPlan, ItemRule, apportion, ceil_fraction, item_quotas
from hrss.drawkit.sampling.selection import select, select_groups, strata, strata_columns
from hrss.drawkit.sampling.tickets import (
    AES_USCC_MAX,
    TicketFunction,
    Tickets,
    aes_messages,
    aes_tickets,
    hash_tickets,
    stratum_order,
    ticket_function,
)

__all__ = [
    "AES_USCC_MAX",
    "Accelerator",
    "DrawPlan",
    "ItemRule",
    "NativeSmallest",
    "Orders",
    "Pick",
    "Selection",
    "TicketFunction",
    "Tickets",
    "accelerator",
    "aes_messages",
    "aes_tickets",
    "apportion",
    "ceil_fraction",
    "expansion",
    "expansion_in",
    "frame_orders",
    "hash_tickets",
    "item_quotas",
    "native_kernel",
    "replacement",
    "replacement_in",
    "select",
    "select_groups",
    "selection_of",
    "strata",
    "strata_columns",
    "stratum_order",
    "ticket_function",
]
