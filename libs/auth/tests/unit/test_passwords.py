import pytest

from hrss.auth import Argon2Parameters, Passwords, WeakPassword, check_password_policy

CHEAP = Argon2Parameters(time_cost=1, memory_cost_kib=8, parallelism=1)


@pytest.mark.parametrize(
    "password, code",
    [
        ("Short1!", "password.too_short"),
        ("abcdefghijk", "password.too_short"),
        ("abcdefghijkl", "password.single_class"),
        ("123456789012", "password.single_class"),
        ("检查检查检查检查检查检查", "password.single_class"),
        ("            ", "password.single_class"),
        ("Aa1" * 43, "password.too_long"),
    ],
)
def test_weak_passwords_are_refused_with_a_code_and_chinese_message(password, code):
    with pytest.raises(WeakPassword) as caught:
        check_password_policy(password)
    assert caught.value.code == code
    assert "密码" in caught.value.message


@pytest.mark.parametrize("password", ["abcdefghijk1", "correct horse battery", "双随机一公开检查2026", "ABCDEFGHIJKl"])
def test_twelve_characters_of_two_classes_pass(password):
    check_password_policy(password)


def test_a_password_containing_the_login_is_refused():
    with pytest.raises(WeakPassword) as caught:
        check_password_policy("Zhangsan-2026!", login="zhangsan")
    assert caught.value.code == "password.contains_login"
    check_password_policy("Zhangsan-2026!", login="lisi")


def test_full_width_characters_count_as_their_ascii_forms():
    with pytest.raises(WeakPassword) as caught:
        check_password_policy("ａｂｃｄｅｆｇｈｉｊｋｌ")
    assert caught.value.code == "password.single_class"


def test_hash_is_argon2id_salted_and_verifies_only_the_right_password():
    passwords = Passwords(CHEAP)
    first, second = passwords.hash("Tr0ub4dor&3xyz"), passwords.hash("Tr0ub4dor&3xyz")
    assert first.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert first != second
    assert passwords.verify(first, "Tr0ub4dor&3xyz")
    assert not passwords.verify(first, "Tr0ub4dor&3xyZ")


def test_a_password_typed_in_full_width_matches_its_ascii_form():
    passwords = Passwords(CHEAP)
    assert passwords.verify(passwords.hash("Abc123456789"), "Ａｂｃ１２３４５６７８９")


def test_garbage_hashes_do_not_verify_and_need_rehash():
    passwords = Passwords(CHEAP)
    assert not passwords.verify("not-a-hash", "whatever")
    assert not passwords.verify("$2b$12$abcdefghijklmnopqrstuuN5N5N5N5N5N5N5N5N5N5N5N5N5N5N5", "whatever")
    assert passwords.needs_rehash("not-a-hash")


def test_hashes_made_with_older_parameters_are_upgraded_on_login():
    old = Passwords(CHEAP).hash("Tr0ub4dor&3xyz")
    current = Passwords(Argon2Parameters(time_cost=2, memory_cost_kib=16, parallelism=1))
    assert current.needs_rehash(old)
    ok, new_hash = current.verify_and_upgrade(old, "Tr0ub4dor&3xyz")
    assert ok and new_hash is not None and new_hash.startswith("$argon2id$v=19$m=16,t=2,p=1$")
    assert not current.needs_rehash(new_hash)
    assert current.verify_and_upgrade(new_hash, "Tr0ub4dor&3xyz") == (True, None)
    assert current.verify_and_upgrade(old, "wrong password") == (False, None)


def test_argon2i_hashes_are_replaced_by_argon2id():
    from argon2 import PasswordHasher, Type

    legacy = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.I).hash("Tr0ub4dor&3xyz")
    ok, new_hash = Passwords(CHEAP).verify_and_upgrade(legacy, "Tr0ub4dor&3xyz")
    assert ok and new_hash is not None and new_hash.startswith("$argon2id$")


def test_the_default_cost_is_rfc_9106_low_memory():
    assert Passwords().hash("Tr0ub4dor&3xyz").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_unknown_accounts_never_verify():
    assert Passwords(CHEAP).verify_unknown_account("unknown-account-placeholder") is False
