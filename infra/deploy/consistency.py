"""Checks of the deployment files that no schema expresses; run by infra/deploy/check.

consistency.py env               every ${VAR} of docker-compose.yml is set in .env
consistency.py sample OUT.json   docker-compose.yml plus one entry built on x-service
consistency.py services          compose and helm list exactly the services that exist
consistency.py search-image      compose's Elasticsearch is built from infra/elasticsearch/Dockerfile with the
                                 Chinese analysis plugin, at the version infra/local runs
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
CHART = ROOT / "helm" / "hrss"
LEVELS = ("province", "city", "county")
FEDERATED = {"inspection", "evidence", "publication", "notification"}  # what a city or county runs (谁检查、谁公开)
SEARCH_IMAGE = ROOT / "infra" / "elasticsearch" / "Dockerfile"
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}")


def load_yaml(path: Path) -> dict:
    """A YAML file as data (anchors and `<<` merges resolved)."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def env_file_names(path: Path) -> set[str]:
    """Names a compose .env file sets."""
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            names.add(line.split("=", 1)[0].removeprefix("export ").strip())
    return names


def check_env() -> list[str]:
    """Variables docker-compose.yml interpolates without a default and .env lacks."""
    defined = env_file_names(ROOT / ".env")
    problems = []
    for name, modifier in sorted(set(VARIABLE.findall(COMPOSE.read_text(encoding="utf-8")))):
        has_default = modifier.startswith((":-", "-"))
        if name not in defined and not has_default:
            problems.append(f"docker-compose.yml uses ${{{name}}} but .env does not set it")
    return problems


def write_sample(out: Path) -> list[str]:
    """The compose file with a sample county entry made from x-service, for schema validation."""
    doc = load_yaml(COMPOSE)
    template, env = doc.get("x-service"), doc.get("x-hrss-env")
    if not isinstance(template, dict) or not isinstance(env, dict):
        return ["docker-compose.yml lacks the x-service / x-hrss-env templates"]
    problems = [
        f"x-service depends on {name!r}, which is not a service"
        for name in template.get("depends_on", {})
        if name not in doc.get("services", {})
    ]
    sample = {
        **template,
        "build": {"context": ".", "args": {"SERVICE": "sample"}},
        "image": "hrss/sample:dev",
        "environment": {**env, "HRSS_NODES": "330102"},
    }
    doc.setdefault("services", {})["sample-330102"] = sample
    out.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return problems


def landed_services() -> set[str]:
    """Services that exist: services/<name>/ whose pyproject.toml names its nameko entrypoint ([tool.hrss])."""
    landed = set()
    for pyproject in (ROOT / "services").glob("*/pyproject.toml"):
        tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("hrss", {})
        if tool.get("entrypoint"):
            landed.add(pyproject.parent.name)
    return landed


def compose_services(doc: dict) -> tuple[set[str], list[str]]:
    """Platform services docker-compose.yml runs (images hrss/<name>), and broken builds."""
    names, problems = set(), []
    for key, entry in (doc.get("services") or {}).items():
        if key == "elasticsearch":
            continue  # a server's image, built from infra/elasticsearch/Dockerfile (check_search_image)
        image = str(entry.get("image", ""))
        if image.startswith("hrss/"):
            names.add(image.removeprefix("hrss/").split(":", 1)[0])
        build = entry.get("build")
        if build is not None:
            build = {"context": build} if isinstance(build, str) else build
            dockerfile = ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")
            service = (build.get("args") or {}).get("SERVICE")
            if not dockerfile.is_file():
                problems.append(f"compose service {key!r} builds {dockerfile.relative_to(ROOT)}, which does not exist")
            elif dockerfile != ROOT / "Dockerfile":
                built = dockerfile.relative_to(ROOT)
                problems.append(f"compose service {key!r} builds {built}; every image is built from ./Dockerfile")
            elif service not in landed_services():
                problems.append(f"compose service {key!r} builds SERVICE={service!r}, which is not a service")
    return names, problems


def check_services() -> list[str]:
    """Compose and every node level's values agree with services/."""
    landed = landed_services()
    in_compose, problems = compose_services(load_yaml(COMPOSE))
    for name in sorted(in_compose - landed):
        problems.append(f"docker-compose.yml runs {name!r}, but services/{name}/ does not exist")
    for name in sorted(landed - in_compose):
        problems.append(f"services/{name}/ exists but docker-compose.yml does not run it")
    for level in LEVELS:
        values = load_yaml(CHART / f"values-{level}.yaml")
        entries = values.get("services") or []
        enabled = {e["name"] for e in entries if e.get("enabled", True)}
        listed = {e["name"] for e in entries}
        for name in sorted(enabled - landed):
            problems.append(f"values-{level}.yaml enables {name!r}, but services/{name}/ does not exist")
        if level == "province":
            for name in sorted(landed - enabled):
                problems.append(f"values-province.yaml does not enable {name!r} (the province runs every service)")
        else:
            for name in sorted(listed - FEDERATED):
                problems.append(f"values-{level}.yaml lists {name!r}; a {level} runs only {sorted(FEDERATED)}")
    return problems


def check_search_image() -> list[str]:
    """Compose's elasticsearch is built from infra/elasticsearch/Dockerfile (official image plus hrss-analysis), at
    the Elasticsearch version of .env, of the Dockerfile's default and of infra/local (the plugin is tied to it)."""
    entry = (load_yaml(COMPOSE).get("services") or {}).get("elasticsearch") or {}
    build = entry.get("build")
    build = {"context": build} if isinstance(build, str) else build or {}
    problems = []
    if not build or ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile") != SEARCH_IMAGE:
        problems.append("compose service 'elasticsearch' is not built from infra/elasticsearch/Dockerfile")
    text = SEARCH_IMAGE.read_text(encoding="utf-8") if SEARCH_IMAGE.is_file() else ""
    official = "FROM docker.elastic.co/elasticsearch/elasticsearch:${ELASTICSEARCH_VERSION}"
    if official not in text:
        problems.append("infra/elasticsearch/Dockerfile is not FROM the official image at ELASTICSEARCH_VERSION")
    if not re.search(r"elasticsearch-plugin install --batch file://\S*hrss-analysis", text):
        problems.append("infra/elasticsearch/Dockerfile does not install the hrss-analysis plugin")
    if not (SEARCH_IMAGE.parent / "hrss-analysis" / "build").is_file():
        problems.append("infra/elasticsearch/hrss-analysis/build (the plugin's build) is missing")
    env = dict(line.split("=", 1) for line in (ROOT / ".env").read_text(encoding="utf-8").splitlines() if "=" in line)
    default = re.search(r"^ARG ELASTICSEARCH_VERSION=(\S+)", text, re.MULTILINE)
    local = re.search(r"HRSS_ES_VERSION:=([^}]+)}", (ROOT / "infra/local/lib/common.sh").read_text(encoding="utf-8"))
    versions = {
        ".env ELASTICSEARCH_VERSION": env.get("ELASTICSEARCH_VERSION", "").strip(),
        "the Dockerfile's default": default.group(1) if default else "",
        "infra/local HRSS_ES_VERSION": local.group(1) if local else "",
    }
    if len(set(versions.values())) != 1:
        problems.append(f"Elasticsearch versions differ: {versions}")
    args = build.get("args") or {}
    if args.get("ELASTICSEARCH_VERSION") != "${ELASTICSEARCH_VERSION}":
        problems.append("compose's elasticsearch build does not pass ELASTICSEARCH_VERSION from .env")
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["env"]:
        problems = check_env()
    elif argv[:1] == ["sample"] and len(argv) == 2:
        problems = write_sample(Path(argv[1]))
    elif argv[:1] == ["search-image"]:
        problems = check_search_image()
    elif argv[:1] == ["services"]:
        problems = check_services()
        print(f"services: {', '.join(sorted(landed_services())) or 'none yet'}")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
