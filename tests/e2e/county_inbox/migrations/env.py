from alembic import context
from county_inbox.model import metadata

from hrss.db.migrations import run_env

run_env(context, metadata)
