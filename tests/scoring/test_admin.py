"""The admin keeps the ledger's rules: entries, published figures and the evaluation's
inputs cannot be changed there, even by a superuser."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring import services
from scoring.models import Activity, ActivityKind, Evaluation, EvaluationRule, PointsEntry
from tests.factories import MemberFactory

MARCH = dt.date(2026, 3, 12)


@pytest.fixture
def activity(tree, secretary):
    return services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.COLLECTIVE,
        title="夜间治安巡逻",
        held_on=MARCH,
        members=[MemberFactory(branch=tree.branch)],
        by=secretary,
    )


def _url(model, action, obj):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])


def test_a_superuser_can_neither_change_nor_delete_a_points_entry(client, superuser, activity):
    entry = PointsEntry.objects.get()
    client.force_login(superuser)

    changed = client.post(_url(PointsEntry, "change", entry), {"points": "20"})
    deleted = client.post(_url(PointsEntry, "delete", entry), {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert PointsEntry.objects.get().points == Decimal("2")


def test_the_admin_mends_an_activitys_title_but_not_what_its_points_rest_on(
    client, superuser, activity
):
    client.force_login(superuser)
    url = _url(Activity, "change", activity)
    form = client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update(
        {
            "title": "夜间治安巡逻（东片）",
            "held_on": "2026-05-01",
            "kind": ActivityKind.INDIVIDUAL,
            "attendances-TOTAL_FORMS": "1",
            "attendances-INITIAL_FORMS": "1",
        }
    )
    data["duty_items"] = []

    client.post(url, data)

    activity.refresh_from_db()
    assert activity.title == "夜间治安巡逻（东片）"
    assert (activity.held_on, activity.kind) == (MARCH, ActivityKind.COLLECTIVE)
    deleted = client.post(_url(Activity, "delete", activity), {"post": "yes"})
    assert deleted.status_code == 403


@pytest.mark.parametrize("model", [Evaluation, EvaluationRule])
def test_evaluations_and_their_rules_are_only_read_in_the_admin(client, superuser, model):
    client.force_login(superuser)
    add = reverse(f"admin:scoring_{model._meta.model_name}_add")

    assert client.get(add).status_code == 403
