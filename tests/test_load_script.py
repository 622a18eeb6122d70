"""The load test's arithmetic (scripts/load.py): N users in the 20-user mix's proportions,
the knee of several runs, and when the whole load test fails."""

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


def _run(load, users, p95, server_errors=0, intact=True, errors=0):
    check = subprocess.CompletedProcess([], 0 if intact else 1, "", "")
    overall = {"p95": p95, "5xx": server_errors, "errors": errors}
    return load.Run(users, [], {}, [], overall, 75.0, check, None, 0.0)


def test_the_knee_is_the_most_users_under_the_target(load):
    runs = [_run(load, 20, 120), _run(load, 100, 280), _run(load, 200, 900)]
    assert load.knee(runs).users == 100


def test_a_run_with_server_errors_or_broken_data_is_past_the_knee(load):
    assert load.knee([_run(load, 20, 100), _run(load, 100, 200, server_errors=1)]).users == 20
    assert load.knee([_run(load, 20, 100), _run(load, 100, 200, intact=False)]).users == 20
    assert load.knee([_run(load, 20, 400)]) is None


def test_a_clean_set_of_runs_passes_even_past_the_knee(load):
    assert load.failures([_run(load, 20, 40), _run(load, 200, 1300)], fault=False) == []


def test_a_connection_error_past_the_knee_is_reported_not_failed(load):
    assert load.failures([_run(load, 100, 95), _run(load, 200, 1300, errors=1)], False) == []


def test_a_connection_error_within_the_target_fails(load):
    assert load.failures([_run(load, 100, 95, errors=2)], fault=False) == [
        "100 users: 2 connection errors"
    ]


def test_a_server_error_or_broken_data_fails_at_any_number_of_users(load):
    runs = [_run(load, 20, 40, intact=False), _run(load, 200, 1300, server_errors=3)]
    assert load.failures(runs, fault=False) == [
        "20 users: the integrity check failed",
        "200 users: 3 server errors (5xx)",
    ]
