"""Account management: create, change roles, disable, reset enrolment — each a new version and one audit entry —
and unlock a login lockout (an appended attempt and one audit entry)."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable

from hrss.audit import AuditRecord
from hrss.auth import (
    Principal,
    Role,
    acting_role,
    admin_role_for,
    check_grant,
    check_password_policy,
    check_roles,
)
from hrss.auth.roles import ADMIN_ROLES
from hrss.auth.totp import generate_secret, provisioning_uri
from hrss.contracts import InvalidNodeCode, Node
from hrss.contracts.events.identity import AccountUnlocked, EnrolmentReset
from hrss.contracts.text import check_display_text, check_login
from identity.domain.contact import AccountContact, valid_email, valid_mobile
from identity.domain.errors import (
    AccountNotFound,
    AlreadyDisabled,
    ContactRequired,
    EmailInvalid,
    InspectorInactive,
    InspectorTaken,
    InspectorUnknown,
    InvalidCredentialNo,
    InvalidLogin,
    InvalidName,
    InvalidNode,
    LoginTaken,
    MobileInvalid,
    NoContact,
    NodeNotEmpty,
    NoResetRequest,
    NotInspector,
    OwnAccountDisabled,
    OwnEnrolmentReset,
    OwnRoles,
    SecondAdminRequired,
)
from identity.domain.model import Account, Change, RegisteredInspector, Status
from identity.service_layer.commands import (
    ApproveEnrolmentReset,
    ChangeRoles,
    CreateAccount,
    CreateFirstAdmin,
    DisableAccount,
    LinkInspector,
    ResetEnrolment,
    UnlockAccount,
)
from identity.service_layer.context import Context
from identity.service_layer.enrolment import Enrolment, issue_code
from identity.service_layer.login import lockout_state
from identity.service_layer.sessions import end_sessions


def parse_node(code: str) -> Node:
    try:
        return Node(code)
    except InvalidNodeCode as error:
        raise InvalidNode(reason=str(error)) from None


def admin_role(actor: Principal) -> str:
    return str(acting_role(actor, ADMIN_ROLES)) if actor.roles & ADMIN_ROLES else str(acting_role(actor))


def _target(ctx: Context, actor: Principal, account_id: str) -> Account:
    """The account to change; 404 both when missing and when outside the actor's subtree (existence stays hidden)."""
    try:
        uuid.UUID(account_id)
    except ValueError:
        raise AccountNotFound() from None
    target = ctx.repo.get(account_id)
    if target is None or not any(root.contains(Node(target.node)) for root in actor.served):
        raise AccountNotFound()
    return target


UNUSABLE_HASH = "!"  # no password yet: a malformed hash never verifies


def _new_account(  # type: ignore[no-untyped-def]
    ctx: Context,
    *,
    login: str,
    name: str,
    node: Node,
    roles: frozenset[Role],
    password: str | None,
    by: str,
    status: Status = Status.ACTIVE,
    inspector: RegisteredInspector | None = None,
):
    if not login or len(login) > 64 or not login.isprintable():
        raise InvalidLogin()
    login = check_login(login)  # NFKC, ASCII or CJK, no look-alike letters
    if len(login) > 64:  # NFKC may lengthen it
        raise InvalidLogin()
    if not name or len(name) > 100:
        raise InvalidName()
    check_display_text(name, "name")
    if password is not None:
        check_password_policy(password, login=login)
    if ctx.repo.login_exists(login):
        raise LoginTaken(login=login)
    account_id = str(uuid.uuid4())
    secret = generate_secret()
    now = ctx.components.clock()
    account = Account(
        id=account_id,
        login=login,
        node=node.code,
        version=1,
        name=name,
        roles=tuple(sorted(str(r) for r in roles)),
        status=status,
        password_hash=ctx.components.passwords.hash(password) if password is not None else UNUSABLE_HASH,
        totp_secret=ctx.components.cipher.encrypt(secret, account_id),
        change=Change.CREATED,
        changed_at=now,
        changed_by=by,
        inspector_id=inspector.inspector_id if inspector else None,
        credential_no=inspector.credential_no if inspector else None,
    )
    ctx.repo.add(account)
    return account, secret


def checked_contact(email: str | None, mobile: str | None, *, required: bool = True) -> tuple[str | None, str | None]:
    """The holder's e-mail address and mobile number, trimmed and checked; at least one when `required`."""
    email, mobile = (email or "").strip() or None, (mobile or "").strip() or None
    if email and (len(email) > 254 or not valid_email(email)):
        raise EmailInvalid()
    if mobile and not valid_mobile(mobile):
        raise MobileInvalid()
    if required and not (email or mobile):
        raise ContactRequired()
    return email, mobile


def create_account(cmd: CreateAccount, ctx: Context) -> tuple[Account, Enrolment]:
    """A pending account and its first enrolment code, sent to the holder's own contact; usable after the holder
    enrols and confirms."""
    node = parse_node(cmd.node)
    roles = check_roles(cmd.roles, node)
    for role in sorted(roles):
        check_grant(cmd.actor, role, node)
    inspector = None if cmd.credential_no is None else _inspector_for(ctx, node.code, roles, cmd.credential_no)
    email, mobile = checked_contact(cmd.email, cmd.mobile)
    account, _secret = _new_account(
        ctx,
        login=cmd.login,
        name=cmd.name,
        node=node,
        roles=roles,
        password=cmd.password,
        by=cmd.actor.account_id,
        status=Status.PENDING,
        inspector=inspector,
    )
    ctx.repo.add_contact(AccountContact(account.id, email, mobile), cmd.actor.account_id, account.changed_at)
    enrolment = issue_code(ctx, account, cmd.actor.account_id, "created")
    detail = {
        "roles": ",".join(account.roles),
        "enrolment_expires_at": enrolment.expires_at.isoformat(),
        **{f"sent_to_{channel}": masked for channel, masked in enrolment.sent_to.items()},
    }
    if account.credential_no:
        detail["credential_no"] = account.credential_no
    ctx.audit(_record(cmd.actor, "account.create", account, None, detail=detail))
    return account, enrolment


def _inspector_for(
    ctx: Context, node: str, roles: Iterable[str], credential_no: str, account_id: str | None = None
) -> RegisteredInspector:
    """The active registry inspector of `node` holding `credential_no`, which the account may act as.

    The registry is the authority: the credential must be an active inspector of the account's own node, and one
    inspector is one person, so no other live account may act as it."""
    credential_no = credential_no.strip()
    if not credential_no or len(credential_no) > 64:
        raise InvalidCredentialNo()
    if Role.INSPECTOR not in {Role(r) for r in roles}:
        raise NotInspector()
    inspector = ctx.repo.registered_inspector(node, credential_no)
    if inspector is None:
        raise InspectorUnknown(credential_no=credential_no, node=node)
    if not inspector.active:
        raise InspectorInactive(credential_no=credential_no)
    holder = ctx.repo.account_acting_as(inspector.inspector_id)
    if holder is not None and holder.id != account_id:
        raise InspectorTaken(credential_no=credential_no, login=holder.login)
    return inspector


def link_inspector(cmd: LinkInspector, ctx: Context) -> Account:
    """Link the account to the registry inspector it acts as (or unlink it); its sessions end, so that no token
    keeps acting as the previous inspector."""
    target = _target(ctx, cmd.actor, cmd.account_id)
    node = Node(target.node)
    check_grant(cmd.actor, Role.INSPECTOR, node)
    ctx.repo.lock(target.id)
    target = ctx.repo.get(target.id) or target
    if target.is_disabled:
        raise AlreadyDisabled()
    now = ctx.components.clock()
    inspector = None
    if cmd.credential_no is not None:
        inspector = _inspector_for(ctx, target.node, target.roles, cmd.credential_no, target.id)
    changed = target.linked_to(inspector, cmd.actor.account_id, now)
    ctx.repo.add_version(changed)
    ended = end_sessions(ctx, target, now, "inspector")
    detail = {"credential_no": changed.credential_no or "", "sessions_ended": str(ended)}
    ctx.audit(_record(cmd.actor, "account.inspector", changed, target, reason=cmd.reason, detail=detail))
    return changed


def reset_enrolment(cmd: ResetEnrolment, ctx: Context) -> tuple[Account, Enrolment | None]:
    """A fresh enrolment code for a lost authenticator or password: earlier codes, the password, the TOTP
    secret and every session of the account stop working; the account is pending until the user enrols again.

    An administrator's account is not reset by one person: the request is recorded (and audited) and waits for
    a second administrator's approval (`approve_enrolment_reset`); the answer then carries no code."""
    target = _reset_target(ctx, cmd.actor, cmd.account_id)
    if ctx.repo.contact(target.id) is None:  # the new code would reach nobody: nothing changes
        raise NoContact()
    if not {Role(r) for r in target.roles} & ADMIN_ROLES:
        return _reset(ctx, cmd.actor, target, cmd.reason, {})
    now = ctx.components.clock()
    request_id = ctx.repo.add_reset_request(target.id, cmd.actor.account_id, now, cmd.reason)
    detail = {"request_id": str(request_id), "approval": "required"}
    ctx.audit(_record(cmd.actor, "account.enrolment_reset_request", target, target, reason=cmd.reason, detail=detail))
    return target, None


def approve_enrolment_reset(cmd: ApproveEnrolmentReset, ctx: Context) -> tuple[Account, Enrolment]:
    """Reset an administrator's enrolment on the open request of another administrator: the approver must be a
    third person who may manage the account; the new code goes to the holder's own contact, seen by neither."""
    target = _reset_target(ctx, cmd.actor, cmd.account_id)
    request = ctx.repo.latest_reset_request(target.id)
    now = ctx.components.clock()
    if request is None or request.approved_at is not None or now - request.requested_at >= ctx.components.enrolment_ttl:
        raise NoResetRequest()
    if request.requested_by == cmd.actor.account_id:
        raise SecondAdminRequired()
    ctx.repo.approve_reset_request(request.id, cmd.actor.account_id, now)
    detail = {"request_id": str(request.id), "requested_by": request.requested_by}
    return _reset(ctx, cmd.actor, target, cmd.reason or request.reason, detail)


def _reset_target(ctx: Context, actor: Principal, account_id: str) -> Account:
    """The account to reset, current under its lock: in scope, not the actor's own, manageable, not disabled."""
    target = _target(ctx, actor, account_id)
    if target.id == actor.account_id:
        raise OwnEnrolmentReset()
    node = Node(target.node)
    for role in sorted({Role(r) for r in target.roles}):
        check_grant(actor, role, node)
    ctx.repo.lock(target.id)
    target = ctx.repo.get(target.id) or target  # the version current under the lock
    if target.is_disabled:
        raise AlreadyDisabled()
    return target


def _reset(
    ctx: Context, actor: Principal, target: Account, reason: str | None, detail: dict[str, str]
) -> tuple[Account, Enrolment]:
    now = ctx.components.clock()
    changed = target.next_version(
        Change.ENROLMENT, actor.account_id, now, status=Status.PENDING, password_hash=UNUSABLE_HASH
    )
    ctx.repo.add_version(changed)
    enrolment = issue_code(ctx, changed, actor.account_id, "reset")
    ended = end_sessions(ctx, target, now, "reset")
    ctx.uow.publish(
        EnrolmentReset(
            account_id=uuid.UUID(target.id),
            node=target.node,
            reset_by=actor.account_id,
            requested_by=detail.get("requested_by"),
            reason=reason,
            reset_at=now,
            code_expires_at=enrolment.expires_at,
        ),
        subject=target.id,
    )
    detail = {
        **detail,
        "enrolment_expires_at": enrolment.expires_at.isoformat(),
        "sessions_ended": str(ended),
        **{f"sent_to_{channel}": masked for channel, masked in enrolment.sent_to.items()},
    }
    ctx.audit(_record(actor, "account.enrolment_reset", changed, target, reason=reason, detail=detail))
    return changed, enrolment


def unlock_account(cmd: UnlockAccount, ctx: Context) -> Account:
    """Lift a login lockout early: an attempt of kind `unlocked` is appended, and the lockout is replayed from
    it on (nothing is changed in place); audited with the reason and whether the account was locked."""
    target = _target(ctx, cmd.actor, cmd.account_id)
    node = Node(target.node)
    for role in sorted({Role(r) for r in target.roles}):
        check_grant(cmd.actor, role, node)  # an administrator of the account's node or above
    ctx.repo.lock(target.id)
    now = ctx.components.clock()
    was_locked = not ctx.components.lockout.check(lockout_state(ctx, target.id), now).allowed
    ctx.repo.add_attempt(target.login, target.id, now, "unlocked")
    ctx.uow.publish(
        AccountUnlocked(
            account_id=uuid.UUID(target.id),
            node=target.node,
            login=target.login,
            unlocked_by=cmd.actor.account_id,
            reason=cmd.reason,
            was_locked=was_locked,
            unlocked_at=now,
        ),
        subject=target.id,
    )
    detail = {"was_locked": str(was_locked).lower()}
    ctx.audit(_record(cmd.actor, "account.unlock", target, target, reason=cmd.reason, detail=detail))
    return target


def change_roles(cmd: ChangeRoles, ctx: Context) -> Account:
    target = _target(ctx, cmd.actor, cmd.account_id)
    if target.id == cmd.actor.account_id:
        raise OwnRoles()
    node = Node(target.node)
    roles = check_roles(cmd.roles, node)
    # both what is taken away and what is given must be the actor's to grant
    for role in sorted(roles | {Role(r) for r in target.roles}):
        check_grant(cmd.actor, role, node)
    ctx.repo.lock(target.id)
    now = ctx.components.clock()
    changed = target.with_roles(tuple(str(r) for r in roles), cmd.actor.account_id, now)
    ctx.repo.add_version(changed)
    # a token names its roles: the account's sessions end, so that no token keeps a role taken away
    ended = end_sessions(ctx, target, now, "roles") if set(changed.roles) != set(target.roles) else 0
    detail = {"roles": ",".join(changed.roles), "sessions_ended": str(ended)}
    ctx.audit(_record(cmd.actor, "account.roles", changed, target, reason=cmd.reason, detail=detail))
    return changed


def disable_account(cmd: DisableAccount, ctx: Context) -> Account:
    target = _target(ctx, cmd.actor, cmd.account_id)
    if target.id == cmd.actor.account_id:
        raise OwnAccountDisabled()
    node = Node(target.node)
    for role in sorted({Role(r) for r in target.roles}):
        check_grant(cmd.actor, role, node)
    if target.is_disabled:
        raise AlreadyDisabled()
    ctx.repo.lock(target.id)
    now = ctx.components.clock()
    changed = target.disabled(cmd.actor.account_id, now)
    ctx.repo.add_version(changed)
    ended = end_sessions(ctx, target, now, "disabled")
    ctx.audit(
        _record(cmd.actor, "account.disable", changed, target, reason=cmd.reason, detail={"sessions_ended": str(ended)})
    )
    return changed


def create_first_admin(cmd: CreateFirstAdmin, ctx: Context) -> tuple[Account, str]:
    """The first administrator of a node, from the command line; returns the account and its provisioning URI."""
    node = parse_node(cmd.node)
    login = unicodedata.normalize("NFKC", cmd.login)  # checked in full by _new_account
    if ctx.repo.login_exists(login):
        raise LoginTaken(login=login)
    if ctx.repo.count_at(node.code):
        raise NodeNotEmpty(node=node.code)
    roles = frozenset({admin_role_for(node.level)})
    email, mobile = checked_contact(cmd.email, cmd.mobile, required=False)
    account, secret = _new_account(
        ctx, login=login, name=cmd.name, node=node, roles=roles, password=cmd.password, by="cli"
    )
    if email or mobile:
        ctx.repo.add_contact(AccountContact(account.id, email, mobile), "cli", account.changed_at)
    ctx.audit(
        AuditRecord(
            actor="cli",
            actor_role="cli",
            actor_kind="service",
            action="account.create_admin",
            object_type="account",
            object_id=account.id,
            object_version=account.version,
            after_hash=account.state_hash(),
            request_id=ctx.request_id,
            detail={
                "node": account.node,
                "login": account.login,
                "roles": ",".join(account.roles),
                **{f"contact_{k}": v for k, v in AccountContact(account.id, email, mobile).masked().items()},
            },
        )
    )
    return account, provisioning_uri(secret, account.login, ctx.components.totp_issuer)


def _record(
    actor: Principal,
    action: str,
    after: Account,
    before: Account | None,
    *,
    reason: str | None = None,
    detail: dict[str, str] | None = None,
) -> AuditRecord:
    return AuditRecord(
        actor=actor.account_id,
        actor_role=admin_role(actor),
        actor_kind=str(actor.kind),
        action=action,
        object_type="account",
        object_id=after.id,
        object_version=after.version,
        before_hash=before.state_hash() if before else None,
        after_hash=after.state_hash(),
        reason=reason,
        detail={"node": after.node, "login": after.login, **(detail or {})},
    )
