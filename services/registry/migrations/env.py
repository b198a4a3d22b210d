from alembic import context
from registry.adapters.orm import metadata

from hrss.db.migrations import run_env

run_env(context, metadata)
