"""The long batch prints run as jobs: badges and contact cards of a branch or town
(helpdesk) and a branch's pledge certificates (posts). The button POSTs, the job page
follows; a GET still downloads a small batch and only offers a large one."""

import pytest
from django.urls import reverse

from helpdesk import services as helpdesk_services
from jobs import services
from jobs.models import Job
from posts import services as post_services
from tests.factories import CapabilityTypeFactory, DutyItemFactory, PostFactory, PostTypeFactory
from tests.helpdesk.objects import make_volunteer
from tests.pdf import pdf_page_count, pdf_text

NAMES = ["章立新", "俞桂兰", "楼国强", "傅晓春", "裘丽萍"]


@pytest.fixture
def volunteers(tree):
    types = [CapabilityTypeFactory(name="生活服务型"), CapabilityTypeFactory(name="医疗服务型")]
    profiles = [
        make_volunteer(tree.branch, tree.grid, name, types[n % 2]) for n, name in enumerate(NAMES)
    ]
    helpdesk_services.set_team(
        grid=tree.grid, name="第1网格服务队", leader=profiles[0], volunteers=profiles, by=None
    )
    return profiles


def _text(content: bytes) -> str:
    return pdf_text(content).replace(" ", "")


def test_the_badge_batch_button_runs_a_job_and_lands_on_a_finished_page(
    client, secretary, tree, volunteers, settings, monkeypatch
):
    settings.JOBS_CHUNK_SIZE = 2  # five badges in three parts
    reports = []
    real = services.report_progress
    monkeypatch.setattr(
        services,
        "report_progress",
        lambda job, **kw: reports.append((kw["done"], kw.get("total"))) or real(job, **kw),
    )
    client.force_login(secretary)
    response = client.post(reverse("helpdesk:unit-badges", args=[tree.branch.pk]), follow=True)
    job = Job.objects.get()
    assert response.redirect_chain == [(job.get_absolute_url(), 302)]
    assert job.status == Job.Status.DONE and job.owner == secretary
    assert reverse("jobs:file", args=[job.pk]) in response.content.decode()
    # Laid out two at a time, then written: progress at every part, out of 2 × 5 steps.
    assert [done for done, _ in reports] == [0, 2, 4, 5, 7, 9]
    assert {total for _, total in reports} == {10}
    pdf = client.get(reverse("jobs:file", args=[job.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf_page_count(pdf.content) == 5
    text = _text(pdf.content)
    assert all(name in text for name in NAMES)
    assert all(profile.number in text for profile in volunteers)


def test_the_town_batch_of_contact_cards_runs_as_a_job(client, town_organiser, tree, volunteers):
    client.force_login(town_organiser)
    client.post(reverse("helpdesk:unit-cards", args=[tree.town.pk]))
    job = Job.objects.get()
    assert job.status == Job.Status.DONE
    pdf = client.get(reverse("jobs:file", args=[job.pk])).content
    assert pdf_page_count(pdf) == 1 and volunteers[0].member.phone in _text(pdf)


def test_a_get_of_a_small_batch_still_downloads_it(client, secretary, tree, volunteers):
    client.force_login(secretary)
    response = client.get(reverse("helpdesk:unit-badges", args=[tree.branch.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert not Job.objects.exists()


def test_a_get_of_a_large_batch_offers_a_job_and_renders_nothing(
    client, secretary, tree, volunteers, settings
):
    settings.JOBS_DIRECT_MAX = 4
    client.force_login(secretary)
    url = reverse("helpdesk:unit-badges", args=[tree.branch.pk])
    response = client.get(url)
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert f'action="{url}"' in page and 'method="post"' in page and "本批共 5 份文件" in page
    assert not Job.objects.exists()


def test_with_the_database_backend_the_batch_is_only_queued(
    client, secretary, tree, volunteers, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(secretary)
    response = client.post(reverse("helpdesk:unit-badges", args=[tree.branch.pk]))
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.done, job.content) == (Job.Status.QUEUED, 0, None)
    task = DBTaskResult.objects.get()
    assert task.task_path == "jobs.tasks.run_job" and str(task.id) == job.task_id
    assert task.args_kwargs["args"] == [job.pk, 1]


def test_the_work_checks_the_owners_scope_again(client, secretary, tree, volunteers):
    job = services.start_job(
        owner=secretary,
        kind="helpdesk.batches.badges",
        label="x",
        params={"unit": tree.other_town.pk, "base_url": "http://testserver/", "filename": "x.pdf"},
    )
    assert job.status == Job.Status.FAILED and "no longer print" in job.error


def test_others_cannot_start_a_batch_of_a_branch_they_do_not_oversee(
    client, neighbour_secretary, tree, volunteers
):
    client.force_login(neighbour_secretary)
    assert client.post(reverse("helpdesk:unit-badges", args=[tree.branch.pk])).status_code == 404
    assert not Job.objects.exists()


@pytest.fixture
def approved_pledge(tree, member_user, secretary):
    post_type = PostTypeFactory(town=tree.town)
    item = DutyItemFactory(post_type=post_type, name="夜间治安巡逻")
    post = PostFactory(branch=tree.branch, post_type=post_type, year=2026)
    choice = post_services.apply_for_post(member=member_user.member_file, post=post, by=member_user)
    post_services.confirm_choice(choice=choice, by=secretary)
    post_services.write_pledge(
        pledge=choice.pledge,
        lines=[post_services.PledgeLine(item, "每周夜间巡逻一次")],
        based_on=0,
        by=member_user,
    )
    return post_services.approve_pledge(pledge=choice.pledge, by=secretary)


def test_the_pledge_certificate_batch_runs_as_a_job(client, secretary, tree, approved_pledge):
    client.force_login(secretary)
    url = reverse("posts:branch-pledge-certificates", args=[tree.branch.pk]) + "?year=2026"
    response = client.post(url)
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.DONE and job.params["year"] == 2026
    pdf = client.get(reverse("jobs:file", args=[job.pk])).content
    text = _text(pdf)
    assert "王建国" in text and "每周夜间巡逻一次" in text
