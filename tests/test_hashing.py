"""Password hashing in machine-wide slots (volunteer/hashing.py): Django's strength and
stored form unchanged, and at most PASSWORD_HASHING_SLOTS hashes at once."""

import threading

import pytest
from django.contrib.auth.hashers import (
    PBKDF2PasswordHasher,
    check_password,
    get_hasher,
    identify_hasher,
    make_password,
)

from volunteer import settings as project_settings
from volunteer.hashing import SlottedPBKDF2PasswordHasher, default_slots, hashing_slot

FEW_ROUNDS = 1000


@pytest.fixture
def slots(settings, tmp_path):
    settings.PASSWORD_HASHING_LOCK_DIR = str(tmp_path)
    settings.PASSWORD_HASHING_SLOTS = 1
    settings.PASSWORD_HASHING_WAIT = 30
    return settings


@pytest.fixture
def project_hashers(settings, slots):
    """The project's own hashers, not the tests' fast ones."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_the_project_hashes_with_the_slotted_hasher(project_hashers):
    assert isinstance(get_hasher("default"), SlottedPBKDF2PasswordHasher)


def test_strength_is_djangos_own():
    assert SlottedPBKDF2PasswordHasher.iterations == PBKDF2PasswordHasher.iterations
    assert SlottedPBKDF2PasswordHasher.algorithm == "pbkdf2_sha256"
    assert SlottedPBKDF2PasswordHasher.iterations >= 1_000_000


def test_stored_form_is_the_same_as_djangos(slots):
    ours = SlottedPBKDF2PasswordHasher().encode("demo-pass-2026", "fixedsalt", FEW_ROUNDS)
    theirs = PBKDF2PasswordHasher().encode("demo-pass-2026", "fixedsalt", FEW_ROUNDS)
    assert ours == theirs


def test_a_password_hashed_by_djangos_hasher_verifies_and_is_not_rehashed(project_hashers):
    django_hasher = PBKDF2PasswordHasher()
    stored = django_hasher.encode("demo-pass-2026", django_hasher.salt())
    assert isinstance(identify_hasher(stored), SlottedPBKDF2PasswordHasher)
    assert check_password("demo-pass-2026", stored)
    assert not check_password("wrong-pass-2026", stored)
    assert not get_hasher("default").must_update(stored)


def test_make_password_goes_through_a_slot(project_hashers, monkeypatch):
    entered = []
    real = SlottedPBKDF2PasswordHasher.encode

    def counting(self, password, salt, iterations=None):
        entered.append(True)
        return real(self, password, salt, FEW_ROUNDS)

    monkeypatch.setattr(SlottedPBKDF2PasswordHasher, "encode", counting)
    assert make_password("demo-pass-2026").startswith("pbkdf2_sha256$")
    assert entered == [True]


def test_a_held_slot_makes_the_next_hash_wait_until_it_is_free(slots):
    order = []
    holding = threading.Event()
    release = threading.Event()

    def holder():
        with hashing_slot() as had:
            assert had
            holding.set()
            release.wait(5)
            order.append("holder done")

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait(5)
    waiter = threading.Thread(
        target=lambda: order.append(
            SlottedPBKDF2PasswordHasher().encode("x-Pass-2026", "salt", FEW_ROUNDS)
        )
    )
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive(), "the second hash ran while the only slot was held"
    release.set()
    thread.join(5)
    waiter.join(5)
    assert order[0] == "holder done"
    assert order[1].startswith("pbkdf2_sha256$1000$salt$")


def test_two_slots_let_two_hash_at_once_but_not_three(slots):
    slots.PASSWORD_HASHING_SLOTS = 2
    slots.PASSWORD_HASHING_WAIT = 0
    with hashing_slot() as first, hashing_slot() as second, hashing_slot() as third:
        assert (first, second, third) == (True, True, False)


def test_a_long_queue_hashes_anyway_after_the_wait(slots):
    slots.PASSWORD_HASHING_WAIT = 0
    with hashing_slot() as held:
        assert held
        # Nobody is refused: past the wait the hash runs without a slot.
        encoded = SlottedPBKDF2PasswordHasher().encode("x-Pass-2026", "salt", FEW_ROUNDS)
    assert encoded == PBKDF2PasswordHasher().encode("x-Pass-2026", "salt", FEW_ROUNDS)


def test_a_slot_is_free_again_after_an_error_inside(slots):
    slots.PASSWORD_HASHING_WAIT = 0
    with pytest.raises(RuntimeError), hashing_slot():
        raise RuntimeError("boom")
    with hashing_slot() as had:
        assert had


def test_default_slots_leave_a_core_free(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert default_slots() == 1
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert default_slots() == 1
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert default_slots() == 7
