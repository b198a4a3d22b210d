"""The verifier (docs/draw-spec.md §11): `checks` re-derives a draw from its public record or its auditor package,
`cli` is its command line (`python -m hrss.drawkit.verify`, or the script `hrss-verify-draw`)."""

from hrss.drawkit.verify.checks import Check, Report, verify, verify_auditor, verify_public, verify_streamed
from hrss.drawkit.verify.cli import main

__all__ = ["Check", "Report", "main", "verify", "verify_auditor", "verify_public", "verify_streamed"]
