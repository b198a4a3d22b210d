"""Native SHA-256 tickets for the draw service, in the default profile (docs/draw-spec.md §6.2).

`smallest(key, usccs, wanted)` gives what `hrss.drawkit.sampling` computes with hashlib for one stratum, the
`wanted` smallest `SHA-256(K ‖ UTF-8(uscc)) ‖ UTF-8(uscc)` in bytes order, with the x86 SHA extensions when the
processor has them (portable C otherwise) and without the GIL while it hashes; `order(keys)` is the stable
argsort of a list of bytes that puts the picks of all strata in global ticket order, and `split(keys, size)` cuts
the ordered `ticket ‖ uscc` into hex tickets and usccs. Nothing here is needed to verify a
draw: the verifier recomputes the same bytes with the standard library."""

from hrss.drawnative._tickets import backend, order, sha256, smallest, split, use

__all__ = ["backend", "order", "sha256", "smallest", "split", "use"]
