"""What county 130102 owns before the attackers come: made through the services' own APIs by its rightful owner
(an account, an entity, an inspector, a checklist item, a plan, its planning and inspection settings), and the
principals of a sibling county and of another city who try to reach them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from forged_tokens import Minter
from replay_kit import COUNTY, OTHER_CITY, SIBLING_COUNTY

from hrss.contracts.uscc import uscc_with_check
from hrss.testing.seeds import load_seed_checklist

# Every staff role a person of the attacking node can hold (province administrators exist only at the province).
COUNTY_ROLES = ("county_admin", "planner", "inspector", "archive_keeper", "approver", "auditor")
CITY_ROLES = ("city_admin", "planner", "inspector", "archive_keeper", "approver", "auditor")
ATTACKERS = [(SIBLING_COUNTY, role) for role in COUNTY_ROLES] + [(OTHER_CITY, role) for role in CITY_ROLES]


def national_id(prefix17: str) -> str:
    """A national ID number with its GB 11643 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(prefix17, weights, strict=True))
    return prefix17 + "10X98765432"[total % 11]


@dataclass
class World:
    """The owner's resources by path parameter name, and the markers that must never reach an attacker."""

    owned: dict[str, str] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)


@dataclass
class Replay:
    """The running services, the keys they trust, and what county 130102 owns."""

    urls: dict[str, str]
    minter: Minter
    world: World


def build_world(urls: Mapping[str, str], minter: Minter, year: int = 2026) -> World:
    """County 130102's own things, created by its administrator through each service's API."""
    session = requests.Session()
    token = minter.token({"county_admin", "planner"}, COUNTY)
    run = uuid.uuid4().hex[:6]

    def make(service: str, method: str, path: str, body: Any) -> dict[str, Any]:
        answer = session.request(method, urls[service] + path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code in (200, 201), f"{service} {method} {path}: {answer.status_code} {answer.text}"
        return answer.json()  # type: ignore[no-any-return]

    world = World()
    person = {"login": f"v{run}", "name": "长安区受害者", "node": COUNTY, "roles": ["planner"], "mobile": "13800001111"}
    account = make("identity", "POST", "/accounts", person)
    uscc = uscc_with_check(f"91{COUNTY}{int(run, 16) % 10**9:09d}"[:17])
    entity = {"uscc": uscc, "name": f"长安区靶子{run}有限公司", "object_type": "企业", "region_code": COUNTY}
    entity_id = make("registry", "POST", "/entities", {"record": {**entity, "industry": "建筑业"}})["id"]
    inspector = {
        "credential_no": f"13010226{int(run, 16) % 10**6:06d}",
        "credential_expires": "2030-12-31",
        "name": "长安区检查员",
        "unit": "长安区劳动保障监察大队",
        "node": COUNTY,
        "line": "劳动保障监察",
        "qualifications": "行政执法资格",
        "national_id": national_id("13010219900307123"),
        "phone": "13803751234",
    }
    inspector_id = make("registry", "POST", "/inspectors", {"record": inspector})["id"]
    spec = {**load_seed_checklist()[0].to_json(), "number": 100 + int(run, 16) % 800, "name": f"长安区自设事项{run}"}
    item_id = make("registry", "POST", "/checklist", {"node": COUNTY, "spec": spec})["id"]
    settings = {"plan_deadline": "03-31", "general_minimum": "5%", "task_number_template": "长人社抽〔{year}〕{seq}号"}
    make("planning", "PUT", f"/settings/{COUNTY}", settings)
    plan_id = make("planning", "POST", "/plans", {"node": COUNTY, "year": year})["plan_id"]
    issuing = {"document_prefix": "长人社", "issuing_body": "长安区人社局"}
    make("inspection", "PUT", f"/nodes/{COUNTY}/settings", issuing)
    world.owned.update(
        account_id=account["id"],
        entity_id=entity_id,
        inspector_id=inspector_id,
        item_id=item_id,
        plan_id=plan_id,
        uscc=uscc,
        version="1",
    )
    world.markers += [account["id"], f"v{run}", entity_id, entity["name"], inspector_id, inspector["name"]]
    world.markers += [inspector["national_id"], inspector["phone"], item_id, spec["name"], plan_id, "长人社"]
    return world
