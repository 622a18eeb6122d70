"""`seed_demo` refuses what it must before writing anything, and plans without a
database; on an empty database (no module data here)."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from members import demo
from members.models import Unit


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_plan_is_deterministic():
    first = demo.plan_demo("small")
    second = demo.plan_demo("small")

    assert first == second
    fingerprint = [(m.name, m.id_number) for m in first.members[:40]]
    assert fingerprint == [(m.name, m.id_number) for m in second.members[:40]]
    other_seed = demo.plan_demo("small", seed=demo.SEED + 1)
    assert [m.id_number for m in other_seed.members] != [m.id_number for m in first.members]


@pytest.mark.django_db
def test_it_refuses_production_settings(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed()

    assert not Unit.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_rejects_an_unknown_scale():
    with pytest.raises(CommandError):
        seed("--scale", "galaxy")
