"""Demo inspectors (执法检查人员) of one province: bureau staff and squads of each county, a few outside experts, valid
national ID numbers of the places people were born in, and former employers among the county's demo entities."""

from __future__ import annotations

import re
from bisect import bisect
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from functools import cache
from random import Random

from registry.domain.inspectors import POOL_LABELS, InspectorStatus, Pool
from registry.domain.inspectors import STATUS_LABELS as INSPECTOR_STATUS_LABELS
from registry.domain.regions import RegionTable
from stdnum import numdb
from stdnum.cn import ric

from hrss.contracts.lines import LINE_LABELS, Line
from registry_demo.generator import (
    AS_OF,
    DEFAULT_PROVINCE,
    EMPLOYERS_PER_COUNTY,
    TAG_SEPARATOR,
    County,
    _cumulative,
    _pick,
    generate_entities,
    province_counties,
    short_name,
)
from registry_demo.words import (
    _BIRTH_YEARS,
    _BRAND_CHARS,
    _BUREAU_POSITIONS,
    _EXPERT_POSITIONS,
    _EXPERT_QUALIFICATIONS,
    _EXPERT_SHARE,
    _EXPERT_UNITS,
    _EXPIRED_SHARE,
    _FORMER_EMPLOYER_SHARE,
    _GIVEN_CHARS,
    _INSPECTOR_STATUSES,
    _LINE_EXPERTISE,
    _LINE_QUALIFICATIONS,
    _LINES,
    _PHONE_PREFIXES,
    _SQUAD_POSITIONS,
    _SQUAD_SIZE,
    _SURNAME_WEIGHTS,
    _SURNAMES,
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id_with_check(first17: str) -> str:
    """Append the GB 11643 check character to 17 digits."""
    total = sum(int(char) * weight for char, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def _valid_id(code: str, year: int) -> bool:
    number = national_id_with_check(f"{code}{year}0701001")
    try:
        return bool(ric.is_valid(number))
    except Exception:  # python-stdnum 2.2 raises KeyError for some codes instead of saying no
        return False


_SPAN = re.compile(r"^(?:\[(\d*)-(\d*)\])?(.+)$")


@cache
def _historic_codes(province: str) -> tuple[tuple[str, str, frozenset[int]], ...]:
    """(code, name, birth years in 1965–1998 it is valid for) of the county-level codes python-stdnum's table
    (the one `ric.is_valid` checks against) knows in the province, past ones included; () if it cannot be read.
    """
    found: list[tuple[str, str, frozenset[int]]] = []
    try:
        for _, low, _, _, children in numdb.get("cn/loc").prefixes:
            if low != province[:2]:
                continue
            for _, rest, _, props, _ in children:
                if rest.endswith("00"):  # a province or city, not a county
                    continue
                for variant in str(props.get("county", "")).split(","):
                    if match := _SPAN.match(variant):
                        first, last = int(match.group(1) or 0), int(match.group(2) or 9999)
                        years = frozenset(year for year in _BIRTH_YEARS if first <= year <= last)
                        found.append((low + rest, match.group(3), years))
    except (AttributeError, TypeError, ValueError):  # the table's layout is stdnum's own business
        return ()
    return tuple(found)


def _id_regions(province: str, counties: Sequence[County]) -> dict[str, dict[int, str]]:
    """county → {birth year in 1965–1998: region code of an ID number issued there to someone born then}.

    The county's own code is used, with birth years from those in which the code existed. An ID number carries
    the code its place had when it was issued, so for a county whose code is younger than 1998 the code is an
    older one: of the same name in the province, else of the same city, else of the province, as real ID
    numbers do. Years without any valid code are left out (Hainan before 1988).
    """
    historic = _historic_codes(province)
    valid: dict[str, set[int]] = {}
    by_name: dict[str, list[str]] = {}
    for code, name, years in historic:
        valid.setdefault(code, set()).update(years)
        by_name.setdefault(short_name(name), []).append(code)
    anywhere = sorted(valid)
    result: dict[str, dict[int, str]] = {}
    for county in counties:
        if not historic:  # stdnum's table unreadable: ask it about the county itself
            valid[county.code] = {year for year in _BIRTH_YEARS if _valid_id(county.code, year)}
        own = sorted(valid.get(county.code, ()))
        if own:  # the county's own code, in the years it existed
            result[county.code] = dict.fromkeys(own, county.code)
            continue
        same_name = [code for code in by_name.get(county.short, ()) if code != county.code]
        same_city = [code for code in anywhere if code[:4] == county.code[:4]]
        candidates = (county.code, *same_name, *same_city, *anywhere)
        chosen: dict[int, str] = {}
        for year in _BIRTH_YEARS:
            issued = next((c for c in candidates if year in valid.get(c, ())), None)
            if issued is not None:
                chosen[year] = issued
        if not chosen:
            raise ValueError(f"no region code for national ID numbers of people born 1965–1998 in {county.code}")
        result[county.code] = chosen
    return result


def employers_by_county(
    province: str = DEFAULT_PROVINCE,
    seed: int = 0,
    *,
    per_county: int = EMPLOYERS_PER_COUNTY,
    as_of: date = AS_OF,
    regions: RegionTable | None = None,
) -> dict[str, list[str]]:
    """USCCs of the first `per_county` × counties entities of `generate_entities(province, …, seed)`, by county."""
    counties = province_counties(province, regions)
    found: dict[str, list[str]] = {county.code: [] for county in counties}
    rows = generate_entities(province, per_county * len(counties), seed, as_of=as_of, regions=regions)
    for row in rows:
        found[row["region_code"]].append(row["uscc"])
    return found


def generate_inspectors(
    province: str = DEFAULT_PROVINCE,
    per_county: int = 10,
    seed: int = 0,
    *,
    as_of: date = AS_OF,
    employers: Mapping[str, Sequence[str]] | None = None,
    regions: RegionTable | None = None,
) -> Iterator[dict[str, str]]:
    """`per_county` inspector rows keyed by `INSPECTOR_FIELDS` for every county of `province`.

    `employers` maps a county code to USCCs the county's inspectors may formerly have worked for; by default
    the entities of `employers_by_county(province, seed)`, which `generate_entities` with the same seed repeats.
    """
    if per_county < 0:
        raise ValueError("per_county must not be negative")
    counties = province_counties(province, regions)
    if employers is None:
        employers = employers_by_county(province, seed, as_of=as_of, regions=regions)
    id_regions = _id_regions(province, counties)
    rng = Random(f"{seed}:inspectors")
    rnd = rng.random
    surname_cum = _cumulative(_SURNAME_WEIGHTS)
    line_cum = _cumulative(share for _, share in _LINES)
    status_cum = _cumulative(share for _, share in _INSPECTOR_STATUSES)
    statuses = [INSPECTOR_STATUS_LABELS[status] for status, _ in _INSPECTOR_STATUSES]
    enforcement, expert = POOL_LABELS[Pool.ENFORCEMENT], POOL_LABELS[Pool.EXPERT]
    as_of_day = as_of.toordinal()
    for county in counties:
        birth_codes = id_regions[county.code]
        birth_years = tuple(birth_codes)
        pool_of_employers = list(employers.get(county.code, ()))
        for number in range(1, per_county + 1):
            line = _LINES[bisect(line_cum, rnd())][0]
            is_expert = rnd() < _EXPERT_SHARE
            if rnd() < _EXPIRED_SHARE:
                expires = date.fromordinal(as_of_day - 1 - int(rnd() * 720))
            else:
                expires = date.fromordinal(as_of_day + 30 + int(rnd() * 5 * 365))
            squad = number <= _SQUAD_SIZE
            if squad:  # the county's labour inspection squad: on duty, with a valid credential
                line, is_expert = Line.LABOUR_INSPECTION, False
                expires = max(expires, date.fromordinal(as_of_day + 30 + number))
            name = _SURNAMES[bisect(surname_cum, rnd())] + _pick(_GIVEN_CHARS, rnd)
            if rnd() < 0.6:
                name += _pick(_GIVEN_CHARS, rnd)
            expertise = {_pick(_LINE_EXPERTISE[line], rnd) for _ in range(1 + int(rnd() * 3))}
            if is_expert:
                unit = county.city_short + _pick(_BRAND_CHARS, rnd) + _pick(_BRAND_CHARS, rnd)
                unit += _pick(_EXPERT_UNITS, rnd)
                position = _pick(_EXPERT_POSITIONS, rnd)
                qualifications = [_pick(_EXPERT_QUALIFICATIONS, rnd)]
            elif line is Line.LABOUR_INSPECTION and rnd() < 0.7:
                unit, position = county.local_name + "劳动保障监察大队", _pick(_SQUAD_POSITIONS, rnd)
                qualifications = ["行政执法资格", *_LINE_QUALIFICATIONS[line]]
            else:
                unit, position = county.local_name + "人力资源和社会保障局", _pick(_BUREAU_POSITIONS, rnd)
                qualifications = ["行政执法资格", *_LINE_QUALIFICATIONS[line]]
            former: list[str] = []
            if pool_of_employers and rnd() < _FORMER_EMPLOYER_SHARE:
                former = [_pick(pool_of_employers, rnd) for _ in range(1 if rnd() < 0.7 else 2)]
            year = birth_years[int(rnd() * len(birth_years))]
            born = date.fromordinal(date(year, 1, 1).toordinal() + int(rnd() * 365))
            sequence = 1 + int(rnd() * 999)
            yield {
                "credential_no": f"{county.code}{expires.year - 5}{number:04d}",
                "credential_expires": expires.isoformat(),
                "name": name,
                "unit": unit,
                "node": county.code,
                "line": LINE_LABELS[line],
                "position": position,
                "qualifications": TAG_SEPARATOR.join(qualifications),
                "expertise": TAG_SEPARATOR.join(sorted(expertise)),
                "pool": expert if is_expert else enforcement,
                "status": INSPECTOR_STATUS_LABELS[InspectorStatus.ACTIVE]
                if squad
                else statuses[bisect(status_cum, rnd())],
                "station_region": county.code,
                "former_employers": TAG_SEPARATOR.join(dict.fromkeys(former)),
                "national_id": national_id_with_check(f"{birth_codes[year]}{born:%Y%m%d}{sequence:03d}"),
                "phone": _pick(_PHONE_PREFIXES, rnd) + f"{int(rnd() * 10**8):08d}",
            }
