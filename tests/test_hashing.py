"""Password hashing at the lowest priority (volunteer/hashing.py): Django's strength and
stored form unchanged, the hash done by a low-priority thread while the request's own
thread keeps its priority."""

import os
import threading

import pytest
from django.contrib.auth.hashers import (
    PBKDF2PasswordHasher,
    check_password,
    get_hasher,
    identify_hasher,
    make_password,
)

from volunteer import hashing
from volunteer import settings as project_settings
from volunteer.hashing import NicePBKDF2PasswordHasher

FEW_ROUNDS = 1000


@pytest.fixture
def project_hashers(settings):
    """The project's own hashers, not the tests' fast ones."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


@pytest.fixture
def fresh_pool(monkeypatch):
    """A hashing thread of this test's own, so the priority it takes is this test's."""
    monkeypatch.setattr(hashing, "_pool", None)
    yield
    if hashing._pool is not None:
        hashing._pool.shutdown()


def test_the_project_hashes_with_the_nice_hasher(project_hashers):
    assert isinstance(get_hasher("default"), NicePBKDF2PasswordHasher)


def test_strength_is_djangos_own():
    assert NicePBKDF2PasswordHasher.iterations == PBKDF2PasswordHasher.iterations
    assert NicePBKDF2PasswordHasher.algorithm == "pbkdf2_sha256"
    assert NicePBKDF2PasswordHasher.iterations >= 1_000_000


def test_stored_form_is_the_same_as_djangos(fresh_pool):
    ours = NicePBKDF2PasswordHasher().encode("demo-pass-2026", "fixedsalt", FEW_ROUNDS)
    theirs = PBKDF2PasswordHasher().encode("demo-pass-2026", "fixedsalt", FEW_ROUNDS)
    assert ours == theirs


def test_a_password_hashed_by_djangos_hasher_verifies_and_is_not_rehashed(project_hashers):
    django_hasher = PBKDF2PasswordHasher()
    stored = django_hasher.encode("demo-pass-2026", django_hasher.salt())
    assert isinstance(identify_hasher(stored), NicePBKDF2PasswordHasher)
    assert check_password("demo-pass-2026", stored)
    assert not check_password("wrong-pass-2026", stored)
    assert not get_hasher("default").must_update(stored)


def test_the_hash_runs_in_the_low_priority_thread(settings, fresh_pool, monkeypatch):
    settings.PASSWORD_HASHING_NICE = 19
    seen = {}
    real = PBKDF2PasswordHasher.encode

    def watched(self, password, salt, iterations=None):
        seen["thread"] = threading.get_native_id()
        seen["niceness"] = os.getpriority(os.PRIO_PROCESS, seen["thread"])
        return real(self, password, salt, iterations)

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", watched)
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    encoded = NicePBKDF2PasswordHasher().encode("x-Pass-2026", "salt", FEW_ROUNDS)
    assert encoded.startswith("pbkdf2_sha256$1000$salt$")
    assert seen["thread"] != threading.get_native_id()
    assert seen["niceness"] == 19
    # The request's own thread keeps its priority.
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_make_password_goes_through_the_hashing_thread(project_hashers, fresh_pool, monkeypatch):
    threads = []
    real = PBKDF2PasswordHasher.encode

    def watched(self, password, salt, iterations=None):
        threads.append(threading.current_thread().name)
        return real(self, password, salt, FEW_ROUNDS)

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", watched)
    assert make_password("demo-pass-2026").startswith("pbkdf2_sha256$")
    assert len(threads) == 1 and threads[0].startswith("password-hashing")


def test_a_process_after_a_fork_gets_its_own_hashing_thread(fresh_pool, monkeypatch):
    first = hashing.hashing_pool()
    assert hashing.hashing_pool() is first
    monkeypatch.setattr(hashing, "_pool_pid", -1)  # as if this were a forked child
    assert hashing.hashing_pool() is not first
    first.shutdown()


def test_nice_zero_keeps_the_normal_priority(settings, fresh_pool):
    settings.PASSWORD_HASHING_NICE = 0
    pool = hashing.hashing_pool()
    niceness = pool.submit(
        lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    ).result()
    assert niceness == os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_an_error_in_the_hash_reaches_the_caller(fresh_pool, monkeypatch):
    def broken(self, password, salt, iterations=None):
        raise ValueError("bad salt")

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", broken)
    with pytest.raises(ValueError, match="bad salt"):
        NicePBKDF2PasswordHasher().encode("x-Pass-2026", "salt", FEW_ROUNDS)
