from alembic import context
from evidence.adapters.orm import metadata

from hrss.db.migrations import run_env

run_env(context, metadata)
