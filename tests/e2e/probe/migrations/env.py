from alembic import context
from probe.model import metadata

from hrss.db.migrations import run_env

run_env(context, metadata)
