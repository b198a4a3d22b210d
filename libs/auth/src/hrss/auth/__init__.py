"""Identity primitives shared by every service: roles, node scopes, passwords, TOTP, tokens, lockout."""

from hrss.auth.errors import AccessDenied, AuthError, InvalidRoles, Unauthenticated, WeakPassword
from hrss.auth.keys import InvalidKey, KeySet, SigningKey
from hrss.auth.lockout import LockoutPolicy, LoginState, SessionExpired, SessionPolicy, Verdict
from hrss.auth.passwords import Argon2Parameters, Passwords, check_password_policy
from hrss.auth.principal import (
    Action,
    Principal,
    acting_role,
    can_read,
    can_write,
    check_access,
    check_grant,
    in_scope,
    owns,
    scope_prefixes,
)
from hrss.auth.roles import Kind, Role, admin_role_for, allowed_at, check_roles
from hrss.auth.tokens import (
    ServiceTokens,
    TokenIssuer,
    TokenVerifier,
    hash_refresh_token,
    new_refresh_token,
    refresh_token_matches,
)

__all__ = [
    "AccessDenied",
    "Action",
    "Argon2Parameters",
    "AuthError",
    "InvalidKey",
    "InvalidRoles",
    "KeySet",
    "Kind",
    "LockoutPolicy",
    "LoginState",
    "Passwords",
    "Principal",
    "Role",
    "ServiceTokens",
    "SessionExpired",
    "SessionPolicy",
    "SigningKey",
    "TokenIssuer",
    "TokenVerifier",
    "Unauthenticated",
    "Verdict",
    "WeakPassword",
    "acting_role",
    "admin_role_for",
    "allowed_at",
    "can_read",
    "can_write",
    "check_access",
    "check_grant",
    "check_password_policy",
    "check_roles",
    "hash_refresh_token",
    "in_scope",
    "new_refresh_token",
    "owns",
    "refresh_token_matches",
    "scope_prefixes",
]
