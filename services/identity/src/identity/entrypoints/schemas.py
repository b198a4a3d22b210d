"""Wire formats of the request bodies (pydantic); anything else in a body is refused."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import Field, ValidationError

from hrss.contracts import field_path
from hrss.web import Body, Text
from identity.domain.errors import InvalidRequest, NotJson


class LoginBody(Body):
    login: Text = Field(min_length=1, max_length=64)
    password: Text = Field(min_length=1, max_length=1024)
    totp: Text = Field(min_length=1, max_length=16)


class RefreshBody(Body):
    refresh_token: Text = Field(min_length=1, max_length=256)


class CreateAccountBody(Body):
    login: Text = Field(min_length=1, max_length=64)
    name: Text = Field(min_length=1, max_length=100)
    node: Text = Field(min_length=6, max_length=6)
    roles: list[Text] = Field(min_length=1, max_length=10)
    password: Text | None = Field(default=None, min_length=1, max_length=1024)
    credential_no: Text | None = Field(default=None, min_length=1, max_length=64)
    email: Text | None = Field(default=None, max_length=254)  # the holder's own: the enrolment code goes there
    mobile: Text | None = Field(default=None, max_length=20)


class InspectorLinkBody(Body):
    credential_no: Text | None = Field(max_length=64)  # null unlinks
    reason: Text | None = Field(default=None, max_length=2000)


class RolesBody(Body):
    roles: list[Text] = Field(min_length=1, max_length=10)
    reason: Text | None = Field(default=None, max_length=2000)


class DisableBody(Body):
    reason: Text | None = Field(default=None, max_length=2000)


class ResetEnrolmentBody(Body):
    reason: Text | None = Field(default=None, max_length=2000)


class UnlockBody(Body):
    reason: Text = Field(min_length=1, max_length=2000, pattern=r"\S")  # required: why the holder is trusted


class EnrolBody(Body):
    login: Text = Field(min_length=1, max_length=64)
    enrolment_code: Text = Field(min_length=1, max_length=64)
    new_password: Text = Field(min_length=1, max_length=1024)


class ConfirmEnrolmentBody(Body):
    login: Text = Field(min_length=1, max_length=64)
    enrolment_code: Text = Field(min_length=1, max_length=64)
    totp: Text = Field(min_length=1, max_length=16)


class ChangePasswordBody(Body):
    current_password: Text = Field(min_length=1, max_length=1024)
    new_password: Text = Field(min_length=1, max_length=1024)
    totp: Text = Field(min_length=1, max_length=16)


B = TypeVar("B", bound=Body)


def parse(model: type[B], raw: bytes) -> B:
    """The body as `model`, or one `request.invalid` naming every wrong field in its message.

    Not `hrss.web.parse`, whose answer differs (a list of field errors under the first error's code, or
    `record.invalid`): identity has always answered `request.invalid` with one message naming the fields
    (`请求内容有误：login`), and its callers read that."""
    try:
        data = json.loads(raw or b"{}")
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidRequest(fields="、".join(field_path(e["loc"], "请求体") for e in error.errors())) from None
    except (ValueError, UnicodeDecodeError, RecursionError):  # nesting deep enough to exhaust the parser: not JSON
        raise NotJson() from None
