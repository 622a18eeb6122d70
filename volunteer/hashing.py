"""Password hashing that gives way to every other request.

A log-in costs one PBKDF2 hash of Django's full strength (1,000,000 rounds of SHA-256 in
Django 5.2): about a third of a second of one core, by design. At a month's end dozens
of members log in within seconds; hashed at the same priority as everything else they
would hold the cores, and every other request (a points card, a tally) would wait
behind them.

`NicePBKDF2PasswordHasher` is Django's own hasher, unchanged in strength and in the
stored form (`pbkdf2_sha256$<rounds>$<salt>$<hash>`, so existing passwords verify and
nothing is re-hashed). It hashes in one thread of the process kept for hashing, whose
scheduling priority is lowered once (`nice` PASSWORD_HASHING_NICE, 19 by default, the
lowest; Linux gives each thread its own). The request's thread waits for the result.
`hashlib.pbkdf2_hmac` lets go of Python's interpreter lock while it works, so the
process's other threads run meanwhile, and the kernel gives the hashing thread only the
CPU time other requests leave: a log-in waits for a free moment of a core instead of
taking one from a page. What bounds a log-in's time is that spare CPU, and the log-ins
queued ahead of it in the same process (one hash at a time per process).

Lowering one's own priority needs no privilege; where the system refuses it, hashing
goes on at normal priority.
"""

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _lower_priority() -> None:
    niceness = getattr(settings, "PASSWORD_HASHING_NICE", 19)
    if niceness and hasattr(os, "setpriority"):
        # PRIO_PROCESS with a thread's own id changes that thread only (Linux).
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)


def hashing_pool() -> ThreadPoolExecutor:
    """This process's hashing thread; a new one after a fork (gunicorn forks its workers
    from a master that may have hashed before)."""
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="password-hashing", initializer=_lower_priority
            )
            _pool_pid = os.getpid()
        return _pool


class NicePBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256 hasher (same algorithm name, rounds and stored form),
    hashing at the lowest priority: see the module's docstring."""

    def encode(self, password, salt, iterations=None):
        encode = super().encode
        return hashing_pool().submit(encode, password, salt, iterations).result()
