"""Staff using the platform as people do: accounts made by an administrator through the identity service,
enrolled with the one-time code each holder finds in their own mailbox (never in the administrator's answer), an
authenticator app's TOTP codes, a login, then the services' HTTP APIs.

The mailbox is the local mail catcher's Maildir (`python -m aiosmtpd … -c aiosmtpd.handlers.Mailbox DIR`, which
`make run` and the journey tests start and the notification sender delivers to): `urls["mail"]` as
`maildir:/path`, else HRSS_MAILDIR.

Journey tests and the local demo use nothing else: no token is minted, no row is written behind the services'
backs. The first administrator of a node comes from the identity service's own command line, as in a deployment.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests

from hrss.auth import admin_role_for
from hrss.auth.totp import decode_secret, hotp, time_step
from hrss.contracts import Node


class Refused(AssertionError):
    """A call answered with another status than the one the person expected."""


@dataclass
class Authenticator:
    """The person's authenticator app: the current code, never one the identity service has seen already."""

    secret: str
    last_step: int = -1

    def code(self) -> str:
        now = time_step(time.time())
        step = max(now - 1, self.last_step + 1)  # the service accepts the steps next to the current one
        while step > now + 1:  # every code of this window was used: wait for the next step
            time.sleep(1)
            now = time_step(time.time())
        self.last_step = step
        return hotp(decode_secret(self.secret), step)


@dataclass
class Person:
    """One member of staff with a password and an authenticator, logged in to the platform's services."""

    login: str
    password: str
    authenticator: Authenticator
    urls: Mapping[str, str]
    name: str = ""
    node: str = ""
    account: dict[str, Any] = field(default_factory=dict)
    access_token: str | None = None
    refresh_token: str | None = None

    def log_in(self) -> Person:
        body = {"login": self.login, "password": self.password, "totp": self.authenticator.code()}
        self._take(identity_post(self.urls, "/auth/login", body, f"{self.login} could not log in"))
        return self

    def refresh(self) -> None:
        body = {"refresh_token": self.refresh_token}
        self._take(identity_post(self.urls, "/auth/refresh", body, f"{self.login} could not refresh the session"))

    def _take(self, tokens: dict[str, Any]) -> None:
        self.access_token, self.refresh_token = tokens["access_token"], tokens["refresh_token"]

    def request(self, service: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        """The raw answer; the session is refreshed once if the access token expired on the way."""
        extra = kwargs.pop("headers", {})
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self.access_token}", **extra}
            answer = requests.request(method, self.urls[service] + path, headers=headers, timeout=60, **kwargs)
            if attempt == 2 or answer.status_code != 401 or "expired" not in answer.text:
                return answer
            self.refresh()
        raise AssertionError("unreachable")

    def call(self, service: str, method: str, path: str, body: Any = None, *, expect: int = 200, **kw: Any) -> Any:
        """The JSON answer of a call that must succeed with `expect` (any 2xx when expect is 200)."""
        if body is not None:
            kw["json"] = body
        answer = self.request(service, method, path, **kw)
        ok = 200 <= answer.status_code < 300 if expect == 200 else answer.status_code == expect
        if not ok:
            raise Refused(f"{self.login}: {method} {service}{path} → {answer.status_code} {answer.text[:2000]}")
        if not answer.content or not answer.headers.get("Content-Type", "").startswith("application/json"):
            return answer
        return answer.json()


def identity_post(urls: Mapping[str, str], path: str, body: dict[str, Any], failure: str) -> dict[str, Any]:
    """POST to the identity service without a token (login, refresh, enrolment): the JSON answer, or Refused."""
    answer = requests.post(urls["identity"] + path, json=body, timeout=30)
    if answer.status_code != 200:
        raise Refused(f"{failure}: {answer.status_code} {answer.text}")
    return dict(answer.json())


MAIL_DOMAIN = "staff.hrss.test"
CODE = re.compile(r"激活码：([A-Z2-7]{4}(?:-[A-Z2-7]{4}){5})")


def address_of(login: str, node: str) -> str:
    """The e-mail address the administrator gives for a person made here (each reads it in the local Maildir)."""
    return f"{login}@{node}.{MAIL_DOMAIN}"


class Mailbox:
    """The local mail catcher's Maildir, read as each person reads their own mail: only what was sent to them."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @classmethod
    def of(cls, urls: Mapping[str, str]) -> Mailbox:
        where = urls.get("mail", "").removeprefix("maildir:") or os.environ.get("HRSS_MAILDIR", "")
        if not where:
            raise Refused("no mailbox to read enrolment codes from (urls['mail'] or HRSS_MAILDIR)")
        return cls(where)

    def _messages(self, address: str) -> dict[str, email.message.EmailMessage]:
        if not (self.path / "new").is_dir():
            return {}
        box = mailbox.Maildir(self.path, factory=None, create=False)
        found: dict[str, email.message.EmailMessage] = {}
        for key in list(box.iterkeys()):
            try:
                raw = box.get_bytes(key)
            except KeyError:  # moved while we looked
                continue
            message = email.message_from_bytes(raw, policy=email.policy.default)
            if isinstance(message, email.message.EmailMessage) and address.lower() in str(message["To"]).lower():
                found[key] = message
        return found

    def seen(self, address: str) -> set[str]:
        """The messages `address` has now (a later code is one not among them)."""
        return set(self._messages(address))

    def enrolment_code(self, address: str, seen: Set[str] = frozenset(), timeout: float = 120.0) -> str:
        """The code of the first enrolment message to `address` not in `seen`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            for key, message in sorted(self._messages(address).items()):
                if key in seen:
                    continue
                body = message.get_body(preferencelist=("plain",))
                match = CODE.search(body.get_content() if body is not None else "")
                if match:
                    return match.group(1)
            if time.monotonic() > deadline:
                raise Refused(f"no enrolment code reached {address} within {timeout:.0f} s (mailbox {self.path})")
            time.sleep(0.5)


def new_password() -> str:
    """A password the policy accepts (length, classes), different each time."""
    return f"Hrss-{secrets.token_urlsafe(12)}-安全"


def secret_from(provisioning_uri: str) -> str:
    return parse_qs(urlparse(provisioning_uri).query)["secret"][0]


def first_admin(
    urls: Mapping[str, str], env: Mapping[str, str], node: str, login: str, name: str, identity_dir: Path
) -> Person:
    """The node's first administrator, created with `python -m identity.cli create-admin`, then logged in."""
    password = new_password()
    command = ["create-admin", "--node", node, "--login", login, "--name", name, "--email", address_of(login, node)]
    done = subprocess.run(
        [sys.executable, "-m", "identity.cli", *command],
        input=password + "\n",
        env={**os.environ, **env},
        cwd=identity_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise Refused(f"create-admin {login}: {done.stdout} {done.stderr}")
    uri = next(line for line in done.stdout.splitlines() if line.startswith("otpauth://"))
    account = {"login": login, "node": node, "roles": [str(admin_role_for(Node(node).level))]}
    person = Person(login, password, Authenticator(secret_from(uri)), urls, name, node, account)
    return person.log_in()


def enrol(
    admin: Person, login: str, name: str, node: str, roles: list[str], credential_no: str | None = None
) -> Person:
    """An account the administrator creates with the holder's own e-mail address, which its holder enrols with the
    code from their mailbox (own password, authenticator), confirms and logs in with; `credential_no`: the
    registry inspector it acts as."""
    address = address_of(login, node)
    body: dict[str, Any] = {"login": login, "name": name, "node": node, "roles": roles, "email": address}
    if credential_no is not None:
        body["credential_no"] = credential_no
    mail = Mailbox.of(admin.urls)
    before = mail.seen(address)
    created = admin.call("identity", "POST", "/accounts", body, expect=201)
    if "code" in created["enrolment"]:
        raise Refused(f"the administrator was shown {login}'s enrolment code")
    code = mail.enrolment_code(address, before)
    password = new_password()
    body = {"login": login, "enrolment_code": code, "new_password": password}
    enrolled = identity_post(admin.urls, "/auth/enrol", body, f"{login} could not enrol")
    authenticator = Authenticator(secret_from(enrolled["provisioning_uri"]))
    body = {"login": login, "enrolment_code": code, "totp": authenticator.code()}
    confirmed = identity_post(admin.urls, "/auth/enrol/confirm", body, f"{login} could not confirm enrolment")
    person = Person(login, password, authenticator, admin.urls, name, node, confirmed)
    return person.log_in()


def credential_line(person: Person) -> str:
    """How the local demo prints a login: the login, the password and the TOTP secret (never in a deployment)."""
    roles = ",".join(person.account.get("roles", []))
    return f"{person.node}\t{person.login}\t{person.password}\t{person.authenticator.secret}\t{roles}\t{person.name}"


def main(argv: list[str] | None = None) -> int:
    """`python -m hrss.testing.people totp SECRET`: the current code of an authenticator (for the local demo)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "totp":
        print("usage: python -m hrss.testing.people totp <totp_secret>", file=sys.stderr)
        return 2
    print(hotp(decode_secret(args[1]), time_step(time.time())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
