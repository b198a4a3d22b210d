"""Use cases: accounts, login, refresh, logout."""
