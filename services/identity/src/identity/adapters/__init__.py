"""Real adapters: PostgreSQL tables and repository, TOTP secret encryption."""
