import base64
from urllib.parse import parse_qs, urlsplit

import pytest

from hrss.auth import totp

# RFC 6238 Appendix B: the seeds are ASCII digits repeated to the hash's block of key length
SEEDS = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize("at, sha1, sha256, sha512", VECTORS)
def test_rfc_6238_vectors(at, sha1, sha256, sha512):
    for algorithm, expected in (("SHA1", sha1), ("SHA256", sha256), ("SHA512", sha512)):
        assert totp.totp(SEEDS[algorithm], at, digits=8, algorithm=algorithm) == expected


SECRET = base64.b32encode(SEEDS["SHA1"]).decode()


def test_the_six_digit_code_of_the_rfc_vector_verifies_and_names_its_step():
    assert totp.verify(SECRET, "287082", at=59) == 1  # 94287082 truncated to 6 digits, step 59 // 30


def test_one_step_either_side_is_accepted_and_two_are_not():
    at = 1111111111.0
    step = totp.time_step(at)
    key = totp.decode_secret(SECRET)
    assert totp.verify(SECRET, totp.hotp(key, step - 1), at=at) == step - 1
    assert totp.verify(SECRET, totp.hotp(key, step + 1), at=at) == step + 1
    assert totp.verify(SECRET, totp.hotp(key, step - 2), at=at) is None
    assert totp.verify(SECRET, totp.hotp(key, step + 2), at=at) is None


def test_a_used_code_cannot_be_replayed_but_the_next_one_can():
    at = 1234567890.0
    key = totp.decode_secret(SECRET)
    code = totp.totp(key, at)
    used = totp.verify(SECRET, code, at=at)
    assert used == totp.time_step(at)
    assert totp.verify(SECRET, code, at=at + 5, last_step=used) is None
    earlier = totp.hotp(key, used - 1)
    assert totp.verify(SECRET, earlier, at=at, last_step=used) is None
    later = totp.totp(key, at + 30)
    assert totp.verify(SECRET, later, at=at + 30, last_step=used) == used + 1


def test_the_clock_is_injectable():
    code = totp.totp(totp.decode_secret(SECRET), 2000000000)
    assert totp.verify(SECRET, code, clock=lambda: 2000000000.0) == 2000000000 // 30
    assert totp.verify(SECRET, code, clock=lambda: 2000000100.0) is None


@pytest.mark.parametrize("code", ["", "28708", "2870822", "28708a", "２８７０８２", "-28708"])
def test_malformed_codes_never_verify(code):
    assert totp.verify(SECRET, code, at=59) is None


def test_spaces_inside_a_code_are_ignored():
    assert totp.verify(SECRET, "287 082", at=59) == 1


def test_secrets_are_random_160_bit_base32():
    first, second = totp.generate_secret(), totp.generate_secret()
    assert first != second and len(first) == 32
    assert len(totp.decode_secret(first)) == 20
    assert totp.decode_secret(first.lower()) == totp.decode_secret(first)


def test_provisioning_uri_is_what_authenticator_apps_read():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", "zhang.san@330102", "浙江人社双随机")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert parts.path == "/%E6%B5%99%E6%B1%9F%E4%BA%BA%E7%A4%BE%E5%8F%8C%E9%9A%8F%E6%9C%BA%3Azhang.san%40330102"
    query = parse_qs(parts.query)
    assert query == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["浙江人社双随机"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
