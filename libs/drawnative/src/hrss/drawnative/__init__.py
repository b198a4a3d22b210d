"""Native SHA-256 tickets for the draw service, in the default profile (docs/draw-spec.md §6.2).

`smallest(key, usccs, wanted)` gives what `hrss.drawkit.sampling` computes with hashlib for one stratum, the
`wanted` smallest `SHA-256(K ‖ UTF-8(uscc)) ‖ UTF-8(uscc)` in bytes order, with the x86 SHA extensions when the
processor has them (portable C otherwise) and without the GIL while it hashes. Nothing here is needed to verify a
draw: the verifier recomputes the same bytes with the standard library."""

from hrss.drawnative._tickets import backend, sha256, smallest, use

__all__ = ["backend", "sha256", "smallest", "use"]
