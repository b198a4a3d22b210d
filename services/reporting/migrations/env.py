from alembic import context
from reporting.adapters.orm import metadata

from hrss.db.migrations import run_env

run_env(context, metadata)
