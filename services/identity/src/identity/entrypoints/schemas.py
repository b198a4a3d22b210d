"""Wire formats of the request bodies (pydantic); anything else in a body is refused."""

from __future__ import annotations

import json
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from hrss.contracts import field_path
from identity.service_layer.errors import BadRequest


def _storable(value: str) -> str:
    """Refuses what PostgreSQL cannot store in a text column: NUL, and lone surrogates (not valid UTF-8)."""
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise ValueError("含有不允许的字符")
    return value


Text = Annotated[str, AfterValidator(_storable)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


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
    """The body as `model`, or `BadRequest` naming the fields that are wrong."""
    try:
        data = json.loads(raw or b"{}")
        return model.model_validate(data)
    except ValidationError as error:
        fields = "、".join(field_path(e["loc"], "请求体") for e in error.errors())
        raise BadRequest("request.invalid", f"请求内容有误：{fields}") from None
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("request.not_json", "请求体必须是 JSON") from None
