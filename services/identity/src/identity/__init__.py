"""The identity service: staff accounts, login, access tokens and refresh sessions, every change audited."""
