"""Masking of personal data in every public byte (一公开 never shows it in clear; DOMAIN.md, Privacy).

`mask_text` hides, wherever they stand in free text:
- resident ID numbers (居民身份证号码, GB 11643): 18 characters (17 digits and a check digit or X) and the old
  15-digit ones, recognised by a province code and a real birth date; the check digit is *not* required, because a
  mistyped number is still somebody's. Shown as the province's two digits and stars. Written against other digits
  (a longer run), every 18 digits with a right check character are masked;
- mobile numbers 1[3-9]x xxxx xxxx, with or without +86/0086 and spaces or hyphens between the groups: the first
  three and the last four digits stay (the usual 138****5678);
- landline numbers written with their area code ((0571) 8600 0000, 0571-86000000, 010 12345678, extensions): the
  area code stays, the subscriber number becomes stars;
- a name after 经营者：or 业主：(the owner of an individual business), and any personal `names` the caller knows of;
- home addresses of natural persons: after 住址、家庭住址、现住址、家住、户籍地（户籍所在地、户籍地址）、
  居住地（现居住地、居住地址）or 住在, an address with a road, street, number, room, village or group
  (路/街/道/巷/弄/号/栋/幢/单元/室/村/组) keeps its province, city and district and loses the rest
  (家住杭州市上城区***********). An entity's registered address (住所、注册地址、经营场所) is public and not matched.

Unified social credit codes (USCC, GB 32100) are public and stay, unless one is also a well-formed resident ID
number (a province code and a birth date where the ID has them): privacy first, such a code is masked.
`mask_entity_name` masks the name of an individual business (个体工商户; the registry's object type
`individual_business`) that is its owner's own name: the registry keeps no owner field, so an owner's name is public
only where it is the business's name, and is masked there and wherever else it appears in the record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from hrss.contracts.uscc import InvalidUscc, check_uscc

STAR = "*"
INDIVIDUAL_BUSINESS = "个体工商户"
# the object type of an individual business as the registry's events carry it, and as documents write it
INDIVIDUAL_BUSINESSES = frozenset({INDIVIDUAL_BUSINESS, "individual_business", "个体经济组织"})

# GB 11643 §6: weights of the 17 digits, and the check character for each remainder mod 11
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# the first two digits of GB/T 2260 codes (provinces, and 83 of the residence permits of Hong Kong, Macao, Taiwan)
PROVINCES = frozenset(re.findall("..", "1112131415212223313233343536374142434445465051525354616263646571818283"))

_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9]{15,}[Xx]?")
_MOBILE = re.compile(r"(?<![0-9])(?:(?:\+|00)86[\s-]?)?(1[3-9][0-9])[\s-]?([0-9]{4})[\s-]?([0-9]{4})(?![0-9])")
_LANDLINE = re.compile(
    r"(?<![0-9])(\(0[1-9][0-9]{1,2}\)\s?|（0[1-9][0-9]{1,2}）\s?|0[1-9][0-9]{1,2}[\s-]?)"
    r"([2-9][0-9]{2,3}[\s-]?[0-9]{4})((?:\s?(?:转|-|ext\.?|分机)\s?[0-9]{1,6})?)(?![0-9])"
)
_USCC_SHAPED = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])")
_OWNER = re.compile(r"((?:经营者|业主)\s*[:：]\s*)([\u4e00-\u9fff·]{2,6})")
# a natural person's home address: the words that introduce one, then the address up to the next pause
_HOME = re.compile(
    r"((?:家庭住址|现住址|住址|家住|户籍所在地|户籍地址|户籍地|现居住地|居住地址|居住地|住在)\s*(?:[:：]|为|在|于)?\s*)"
    r"([^\s，,。；;、！!？?）)」』】\]]{2,60})"
)
_DETAIL = re.compile(r"[路街道巷弄号栋幢室村组]|单元|[0-9０-９]")
# the coarse part that stays: province, city, district or county (each optional, in this order)
_ADMIN = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,7}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,7}?(?:市|自治州|州|盟))?"
    r"(?:[\u4e00-\u9fff]{1,7}?(?:区|县|旗))?"
)
_PERSONAL_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_COMPOUND_SURNAMES = frozenset(re.findall("..", "欧阳司马诸葛上官东方皇甫尉迟公孙慕容长孙宇文司徒夏侯令狐端木"))


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _birth_date(digits: str) -> date | None:
    try:
        return date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def looks_like_resident_id(code: str) -> bool:
    """Whether a run of 15 or 18 characters has the shape of a resident ID: a province code and a birth date."""
    if code[:2] not in PROVINCES:
        return False
    born = _birth_date("19" + code[6:12]) if len(code) == 15 else _birth_date(code[6:14])
    return born is not None and 1880 <= born.year <= 2100


def is_resident_id(code: str) -> bool:
    """Whether `code` is an 18-character resident ID with a right GB 11643 check character."""
    return (
        len(code) == 18
        and code[:17].isdigit()
        and looks_like_resident_id(code)
        and code[17].upper() == id_check_character(code[:17])
    )


def _id(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) in (15, 18):
        return run[:2] + STAR * (len(run) - 2) if looks_like_resident_id(run) else run
    # a longer run (an ID written against other digits): every 18-digit window with a right check character goes
    masked = list(run)
    for start in range(len(run) - 17):
        if is_resident_id(run[start : start + 18]):
            masked[start + 2 : start + 18] = STAR * 16
    return "".join(masked)


def _mobile(match: re.Match[str]) -> str:
    return f"{match.group(1)}{STAR * 4}{match.group(3)}"


def _landline(match: re.Match[str]) -> str:
    area, number, extension = match.group(1), match.group(2), match.group(3)
    return area + re.sub(r"[0-9]", STAR, number) + re.sub(r"[0-9]", STAR, extension)


def _home(match: re.Match[str]) -> str:
    address = match.group(2)
    if not _DETAIL.search(address):
        return match.group(0)  # 住址不详, 户籍地浙江: no detailed address
    kept = _ADMIN.match(address)
    coarse = kept.group(0) if kept is not None else ""
    if _DETAIL.search(coarse):  # what looked like a district held a road or number: keep nothing
        coarse = ""
    return match.group(1) + coarse + STAR * (len(address) - len(coarse))


def mask_person_name(name: str) -> str:
    """A person's name as public output shows it: the surname and a star for each other character (张*, 欧阳**)."""
    surname = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:surname] + STAR * (len(name) - surname)


def _is_public_uscc(code: str) -> bool:
    try:
        check_uscc(code)
    except InvalidUscc:
        return False
    return not (code[:17].isdigit() and looks_like_resident_id(code))


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    """`text` with resident ID numbers, mobile and landline numbers, home addresses, owners' names and the given
    personal `names` masked; everything else (USCCs, entity names, dates, amounts) as it was."""
    kept = [m for m in _USCC_SHAPED.finditer(text) if _is_public_uscc(m.group(0))]
    if not kept:
        return _mask_segment(text, tuple(names))
    out, start, frozen = [], 0, tuple(names)
    for m in kept:
        out.append(_mask_segment(text[start : m.start()], frozen))
        out.append(m.group(0))
        start = m.end()
    out.append(_mask_segment(text[start:], frozen))
    return "".join(out)


def _mask_segment(text: str, names: tuple[str, ...]) -> str:
    text = _DIGIT_RUN.sub(_id, text)
    text = _MOBILE.sub(_mobile, text)
    text = _LANDLINE.sub(_landline, text)
    text = _OWNER.sub(lambda m: m.group(1) + mask_person_name(m.group(2)), text)
    text = _HOME.sub(_home, text)
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_person_name(name))
    return text


def personal_names(entity_name: str, object_type: str | None) -> tuple[str, ...]:
    """The personal names an entity's name reveals: an individual business named by its owner's own name."""
    if object_type in INDIVIDUAL_BUSINESSES and _PERSONAL_NAME.match(entity_name):
        return (entity_name,)
    return ()


def mask_entity_name(entity_name: str, object_type: str | None) -> str:
    """An entity's public name: an individual business that bears its owner's name shows the surname only."""
    return mask_text(entity_name, personal_names(entity_name, object_type))


def mask_value(value: object, names: Iterable[str] = ()) -> object:
    """Every string inside a JSON-like value (dicts, lists) masked by `mask_text`; keys and other types kept."""
    frozen = tuple(names)
    if isinstance(value, str):
        return mask_text(value, frozen)
    if isinstance(value, dict):
        return {k: mask_value(v, frozen) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v, frozen) for v in value]
    return value


__all__ = [
    "INDIVIDUAL_BUSINESS",
    "PROVINCES",
    "id_check_character",
    "is_resident_id",
    "looks_like_resident_id",
    "mask_entity_name",
    "mask_person_name",
    "mask_text",
    "mask_value",
    "personal_names",
]
