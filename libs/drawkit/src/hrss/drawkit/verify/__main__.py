"""`python -m hrss.drawkit.verify …`: the verifier's command line (hrss.drawkit.verify.cli)."""

import sys

from hrss.drawkit.verify.cli import main

sys.exit(main())
