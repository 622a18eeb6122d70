"""The load test's arithmetic (scripts/load.py): N users in the 20-user mix's proportions,
and the knee of several runs."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "load.py"


@pytest.fixture(scope="module")
def load():
    spec = importlib.util.spec_from_file_location("load_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("users", "mix"),
    [(20, [6, 4, 6, 4]), (100, [30, 20, 30, 20]), (200, [60, 40, 60, 40]), (7, [2, 2, 2, 1])],
)
def test_n_users_keep_the_mix_proportions_and_add_up(load, users, mix):
    assert load.mix_for(users, [6, 4, 6, 4]) == mix
    assert sum(load.mix_for(users, [6, 4, 6, 4])) == users


def _run(load, users, p95, server_errors=0, intact=True):
    check = subprocess.CompletedProcess([], 0 if intact else 1, "", "")
    overall = {"p95": p95, "5xx": server_errors}
    return load.Run(users, [], {}, [], overall, 75.0, check, None, 0.0)


def test_the_knee_is_the_most_users_under_the_target(load):
    runs = [_run(load, 20, 120), _run(load, 100, 280), _run(load, 200, 900)]
    assert load.knee(runs).users == 100


def test_a_run_with_server_errors_or_broken_data_is_past_the_knee(load):
    assert load.knee([_run(load, 20, 100), _run(load, 100, 200, server_errors=1)]).users == 20
    assert load.knee([_run(load, 20, 100), _run(load, 100, 200, intact=False)]).users == 20
    assert load.knee([_run(load, 20, 400)]) is None
