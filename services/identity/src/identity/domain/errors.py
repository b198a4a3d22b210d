"""The identity service's errors beyond those of hrss.auth: each a stable code and its Chinese message, defined
once here and raised with the values the message names (`LoginTaken(login="li")`).

`TooManyAttempts` and the countdown in `LoginFailed` carry hrss.auth's lockout policy's message; only a caller who
is already logged in (changing their password) is shown them: a login answers `LoginFailed` whatever failed.
"""

from __future__ import annotations

from datetime import timedelta

from hrss.auth import AccessDenied, Unauthenticated
from hrss.auth.lockout import describe_wait
from hrss.contracts import PlatformError
from hrss.contracts.errors import Conflict, NotFound


class BadRequest(PlatformError):
    status = 400


class RetryLater(PlatformError):
    """Refused for a while; `retry_after` goes into the Retry-After header."""

    status = 429
    retry_after: timedelta


class TooManyAttempts(RetryLater):
    """The account is locked for a while (told only to its logged-in holder, never to a login)."""

    code = "login.locked"

    def __init__(self, message: str, retry_after: timedelta) -> None:
        super().__init__(message=message)
        self.retry_after = retry_after


class LoginThrottled(RetryLater):
    """Too many failed logins from the caller's address: refused before any account is looked at."""

    code = "auth.throttled"
    template = "本地址登录失败次数过多，请 {wait}后再试"

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(wait=describe_wait(retry_after))
        self.retry_after = retry_after


# -- requests ------------------------------------------------------------------------------


class InvalidRequest(BadRequest):
    code = "request.invalid"
    template = "请求内容有误：{fields}"


class NotJson(BadRequest):
    code = "request.not_json"
    template = "请求体必须是 JSON"


class InvalidNode(BadRequest):
    """A node code that is not a region code; `reason` is hrss.contracts' own message about it."""

    code = "node.invalid"
    template = "{reason}"


class InvalidAfterSeq(BadRequest):
    code = "audit.after_seq_invalid"
    template = "after_seq 必须是整数"


# -- accounts ------------------------------------------------------------------------------


class AccountNotFound(NotFound):
    """Missing, or outside the caller's subtree: the same answer, so existence stays hidden."""

    code = "account.not_found"
    template = "账号不存在"


class InvalidLogin(BadRequest):
    code = "account.login_invalid"
    template = "登录名须为 1 至 64 个可打印字符"


class InvalidName(BadRequest):
    code = "account.name_invalid"
    template = "姓名须为 1 至 100 个字符"


class LoginTaken(Conflict):
    code = "account.login_taken"
    template = "登录名 {login} 已被使用"


class NodeNotEmpty(Conflict):
    code = "account.node_not_empty"
    template = "节点 {node} 已有账号，请由现有管理员在系统中创建账号"


class AlreadyDisabled(Conflict):
    code = "account.already_disabled"
    template = "账号已停用"


class OwnRoles(AccessDenied):
    code = "access.own_roles"
    template = "管理员不能修改自己的角色"


class OwnAccountDisabled(AccessDenied):
    code = "access.own_account"
    template = "管理员不能停用自己的账号"


class OwnEnrolmentReset(AccessDenied):
    code = "access.own_account"
    template = "管理员不能重置自己账号的激活码"


class SecondAdminRequired(AccessDenied):
    code = "access.second_admin_required"
    template = "管理员账号的激活码重置须由另一位管理员批准"


class NoResetRequest(Conflict):
    code = "enrolment.no_reset_request"
    template = "该账号没有待批准的激活码重置申请"


# -- where the holder is reached (enrolment codes go there) ----------------------------------


class ContactRequired(BadRequest):
    code = "account.contact_required"
    template = "请填写账号持有人本人的电子邮箱（email）或手机号码（mobile），激活码只发送给本人"


class EmailInvalid(BadRequest):
    code = "contact.email_invalid"
    template = "email 不是有效的电子邮件地址"


class MobileInvalid(BadRequest):
    code = "contact.mobile_invalid"
    template = "mobile 应为 11 位手机号码，以 1 开头"


class NoContact(Conflict):
    code = "enrolment.no_contact"
    template = "该账号没有登记持有人本人的联系方式，激活码无处发送"


# -- the inspector an account acts as --------------------------------------------------------


class InvalidCredentialNo(BadRequest):
    code = "account.credential_no_invalid"
    template = "执法证号（credential_no）须为 1 至 64 个字符"


class NotInspector(BadRequest):
    code = "account.not_inspector"
    template = "只有具有「检查人员」角色的账号可以关联执法证号（credential_no）"


class InspectorUnknown(BadRequest):
    code = "account.inspector_unknown"
    template = "执法证号 {credential_no} 不在节点 {node} 的检查人员名录库中（名录库变更同步需要数秒，请稍后重试）"


class InspectorInactive(BadRequest):
    code = "account.inspector_inactive"
    template = "执法证号 {credential_no} 对应的检查人员不在岗"


class InspectorTaken(Conflict):
    code = "account.inspector_taken"
    template = "执法证号 {credential_no} 已关联账号 {login}"


# -- login, sessions, password ---------------------------------------------------------------


class LoginFailed(Unauthenticated):
    """Unknown login, wrong password or code, locked account: one answer for all, so that a login tells nobody
    whether an account exists or is locked (a password change, by the logged-in holder, may say more)."""

    code = "login.failed"
    template = "用户名、密码或动态口令错误"


class NotEnrolled(Unauthenticated):
    code = "login.not_enrolled"
    template = "账号尚未完成激活，请先使用激活码确认动态口令"


class AccountDisabled(Unauthenticated):
    code = "login.disabled"
    template = "账号已停用，请联系管理员"


class RefreshInvalid(Unauthenticated):
    code = "refresh.invalid"
    template = "刷新令牌无效，请重新登录"


class RefreshReused(Unauthenticated):
    code = "refresh.reused"
    template = "刷新令牌已使用过，会话已终止，请重新登录"


class SessionEnded(Unauthenticated):
    code = "session.ended"
    template = "会话已结束，请重新登录"


class SessionMissing(Unauthenticated):
    code = "session.missing"
    template = "访问令牌不属于任何登录会话"


class PasswordUnchanged(BadRequest):
    code = "password.unchanged"
    template = "新密码不能与当前密码相同"


# -- enrolment -------------------------------------------------------------------------------


class EnrolmentInvalid(Unauthenticated):
    """Unknown login, mistyped or superseded code: the same answer for all."""

    code = "enrolment.invalid"
    template = "登录名或激活码无效"


class EnrolmentUsed(Unauthenticated):
    code = "enrolment.used"
    template = "激活码已使用过，请直接登录或联系管理员重新签发"


class EnrolmentExpired(Unauthenticated):
    code = "enrolment.expired"
    template = "激活码已过期，请联系管理员重新签发"


class NotYetEnrolled(Conflict):
    code = "enrolment.not_enrolled"
    template = "请先使用激活码设置密码并绑定动态口令"


class EnrolmentTotpInvalid(Unauthenticated):
    code = "enrolment.totp_invalid"
    template = "动态口令错误，请检查验证器中的账号和手机时间"
