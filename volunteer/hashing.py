"""Password hashing that cannot take the whole machine.

A log-in costs one PBKDF2 hash of Django's full strength (1,000,000 rounds of SHA-256 in
Django 5.2): about a third of a second of one core, by design. At a month's end dozens
of members log in within seconds; hashed side by side they would hold every core, and
every other request (a points card, a tally) would wait behind them.

`SlottedPBKDF2PasswordHasher` is Django's own hasher, unchanged in strength and in the
stored form (`pbkdf2_sha256$<rounds>$<salt>$<hash>`, so existing passwords verify and
nothing is re-hashed), that hashes only inside one of `PASSWORD_HASHING_SLOTS` machine-
wide slots: by default one fewer than the cores, at least one. A log-in beyond that
waits for a slot (the wait is what bounds its time: the log-ins queued ahead of it times
one hash); everything else keeps the other cores. The slots are lock files (`flock`),
so they hold across gunicorn's worker processes and threads alike, and a process that
dies releases its slot with it.

A log-in never waits longer than `PASSWORD_HASHING_WAIT` seconds for a slot: past
that it hashes anyway, so a flood of log-ins slows the machine as before but no log-in
is refused or times out because of the queue.
"""

import contextlib
import fcntl
import hashlib
import os
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher


def default_slots() -> int:
    return max(1, (os.cpu_count() or 1) - 1)


def _lock_dir() -> Path:
    configured = getattr(settings, "PASSWORD_HASHING_LOCK_DIR", "")
    if configured:
        return Path(configured)
    # One set of slots per installation (its folder), shared by all its processes.
    tag = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"volunteer-hashing-{tag}"


@contextlib.contextmanager
def hashing_slot() -> Iterator[bool]:
    """Hold one of the machine's hashing slots for the block; yields whether a slot was
    had (False only after waiting PASSWORD_HASHING_WAIT seconds in vain)."""
    slots = getattr(settings, "PASSWORD_HASHING_SLOTS", 0) or default_slots()
    wait = getattr(settings, "PASSWORD_HASHING_WAIT", 30)
    folder = _lock_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    handles = [(folder / f"slot-{n}.lock").open("a") for n in range(slots)]
    held = None
    try:
        deadline = time.monotonic() + wait
        pause = 0.005
        while held is None:
            # Each try starts at a different slot, so waiters spread over free slots.
            start = random.randrange(slots)  # noqa: S311 - not a secret
            for n in range(slots):
                handle = handles[(start + n) % slots]
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                held = handle
                break
            if held is not None or time.monotonic() >= deadline:
                break
            time.sleep(pause)
            # Short pauses keep a freed slot busy; a long queue polls less often.
            pause = min(pause * 1.5, 0.05)
        yield held is not None
    finally:
        if held is not None:
            fcntl.flock(held, fcntl.LOCK_UN)
        for handle in handles:
            handle.close()


class SlottedPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256 hasher (same algorithm name, rounds and stored form),
    hashing inside a machine-wide slot: see the module's docstring."""

    def encode(self, password, salt, iterations=None):
        with hashing_slot():
            return super().encode(password, salt, iterations)
