import datetime as dt

import pytest
from django.urls import reverse

from members.models import Member
from tests.factories import (
    CapabilityTypeFactory,
    MemberFactory,
    PartnerUnitFactory,
    UnitFactory,
    next_id_number,
)


def _new_member_data(**overrides):
    data = {
        "name": "陈晓燕",
        "id_number": next_id_number(dt.date(1986, 4, 2), male=False),
        "phone": "13812345678",
        "category": Member.Category.REGISTERED,
        "education": Member.Education.BACHELOR,
        "occupation": "教师",
    }
    return data | overrides


@pytest.fixture
def as_secretary(client, secretary):
    client.force_login(secretary)
    return client


def test_a_secretary_adds_a_member_to_their_branch(as_secretary, tree):
    data = _new_member_data()
    response = as_secretary.post(reverse("members:member-add", args=[tree.branch.pk]), data)
    member = Member.objects.get(name="陈晓燕")
    assert response.status_code == 302
    assert member.branch == tree.branch
    assert member.id_number == data["id_number"]


def test_birth_date_and_gender_are_read_from_the_id_number(as_secretary, tree):
    as_secretary.post(reverse("members:member-add", args=[tree.branch.pk]), _new_member_data())
    member = Member.objects.get(name="陈晓燕")
    assert member.birth_date == dt.date(1986, 4, 2)
    assert member.gender == Member.Gender.FEMALE


def test_a_birth_date_that_contradicts_the_id_number_is_refused(as_secretary, tree):
    data = _new_member_data(birth_date="1990-01-01")
    response = as_secretary.post(reverse("members:member-add", args=[tree.branch.pk]), data)
    assert response.status_code == 200
    assert "does not match" in response.content.decode() or "不一致" in response.content.decode()
    assert not Member.objects.filter(name="陈晓燕").exists()


def test_a_wrong_check_digit_is_refused_and_nothing_is_saved(as_secretary, tree):
    good = next_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = as_secretary.post(
        reverse("members:member-add", args=[tree.branch.pk]), _new_member_data(id_number=bad)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert Member.objects.count() == 0


def test_a_second_file_with_the_same_id_number_is_refused(as_secretary, tree, member):
    response = as_secretary.post(
        reverse("members:member-add", args=[tree.branch.pk]),
        _new_member_data(id_number=member.id_number),
    )
    assert response.context["form"].errors["id_number"]
    assert Member.objects.count() == 1


def test_an_in_service_member_needs_an_employer(as_secretary, tree):
    response = as_secretary.post(
        reverse("members:member-add", args=[tree.branch.pk]),
        _new_member_data(category=Member.Category.IN_SERVICE),
    )
    assert response.context["form"].errors["employer"]


def test_an_in_service_member_is_saved_with_their_employer(as_secretary, tree):
    hospital = PartnerUnitFactory(name="区人民医院")
    as_secretary.post(
        reverse("members:member-add", args=[tree.branch.pk]),
        _new_member_data(category=Member.Category.IN_SERVICE, employer=hospital.pk),
    )
    assert Member.objects.get(name="陈晓燕").employer == hospital


def test_a_grid_of_another_branch_cannot_be_chosen(as_secretary, tree):
    foreign_grid = UnitFactory(kind="grid", parent=tree.neighbour_branch, code="G9")
    response = as_secretary.post(
        reverse("members:member-add", args=[tree.branch.pk]),
        _new_member_data(grid=foreign_grid.pk),
    )
    assert response.context["form"].errors["grid"]


def test_capability_types_are_saved(as_secretary, tree):
    medical = CapabilityTypeFactory(name="医疗服务型")
    as_secretary.post(
        reverse("members:member-add", args=[tree.branch.pk]),
        _new_member_data(capability_types=[medical.pk]),
    )
    assert list(Member.objects.get(name="陈晓燕").capability_types.all()) == [medical]


def test_editing_without_typing_an_id_number_keeps_the_stored_one(as_secretary, member):
    stored = member.id_number
    data = _new_member_data(name="李秀英", id_number="", phone="13900000001")
    response = as_secretary.post(reverse("members:member-edit", args=[member.pk]), data)
    member.refresh_from_db()
    assert response.status_code == 302
    assert member.id_number == stored
    assert member.phone == "13900000001"


def test_the_edit_form_never_shows_the_stored_id_number(as_secretary, member):
    response = as_secretary.get(reverse("members:member-edit", args=[member.pk]))
    content = response.content.decode()
    assert member.id_number not in content
    assert member.masked_id_number in content


def test_every_change_is_kept_with_who_made_it(as_secretary, member, secretary):
    as_secretary.post(
        reverse("members:member-edit", args=[member.pk]),
        _new_member_data(name="李秀英", id_number="", occupation="村医"),
    )
    latest = member.history.latest()
    assert latest.history_user == secretary
    assert latest.occupation == "村医"


def test_the_member_page_shows_the_change_log(as_secretary, member):
    as_secretary.post(
        reverse("members:member-edit", args=[member.pk]),
        _new_member_data(name="李秀英", id_number="", occupation="村医"),
    )
    response = as_secretary.get(reverse("members:member-detail", args=[member.pk]))
    assert "村医" in response.content.decode()
    assert response.context["log"][0].who == "secretary"


def test_a_secretary_cannot_edit_a_member_of_another_branch(client, neighbour_secretary, member):
    client.force_login(neighbour_secretary)
    response = client.post(
        reverse("members:member-edit", args=[member.pk]), _new_member_data(id_number="")
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.name == "李秀英"


def test_a_town_organiser_reads_but_cannot_change_a_member(client, town_organiser, member):
    client.force_login(town_organiser)
    assert client.get(reverse("members:member-detail", args=[member.pk])).status_code == 200
    response = client.post(reverse("posts:member-exempt", args=[member.pk]), {"reason": "年老体弱"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert not member.is_exempt


def test_exempting_needs_a_reason(as_secretary, member):
    response = as_secretary.post(reverse("posts:member-exempt", args=[member.pk]), {"reason": "  "})
    assert response.status_code == 200
    member.refresh_from_db()
    assert not member.is_exempt


def test_an_exempt_member_is_left_out_of_coverage_but_kept(as_secretary, tree, member):
    MemberFactory(branch=tree.branch)
    as_secretary.post(reverse("posts:member-exempt", args=[member.pk]), {"reason": "年老体弱"})
    counts = Member.objects.in_unit(tree.branch).counts()
    assert counts == {"total": 2, "exempt": 1, "eligible": 1}
    assert Member.objects.in_unit(tree.branch).eligible_for_posts().count() == 1


def test_an_exemption_can_be_lifted(as_secretary, member, secretary):
    as_secretary.post(reverse("posts:member-exempt", args=[member.pk]), {"reason": "长期住院"})
    as_secretary.post(reverse("members:member-unexempt", args=[member.pk]))
    member.refresh_from_db()
    assert not member.is_exempt
    assert member.exemption_reason == ""


def test_the_database_refuses_an_exemption_without_a_reason(member):
    from django.db import IntegrityError, transaction

    member.is_exempt = True
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_a_member_sees_their_own_file(client, member_user):
    client.force_login(member_user)
    response = client.get(reverse("members:my-file"), follow=True)
    assert response.context["member"] == member_user.member_file
    assert response.context["can_manage"] is False


def test_a_member_cannot_see_another_members_file(client, member_user, member):
    client.force_login(member_user)
    assert client.get(reverse("members:member-detail", args=[member.pk])).status_code == 404


def test_the_list_filters_by_category_and_searches_by_name(as_secretary, tree):
    MemberFactory(branch=tree.branch, name="张伟", category=Member.Category.ACTIVIST)
    MemberFactory(branch=tree.branch, name="张强", category=Member.Category.REGISTERED)
    MemberFactory(branch=tree.branch, name="赵磊", category=Member.Category.ACTIVIST)
    url = reverse("members:member-list", args=[tree.branch.pk])
    response = as_secretary.get(url, {"q": "张", "category": Member.Category.ACTIVIST})
    assert [m.name for m in response.context["page"]] == ["张伟"]


def test_the_list_finds_a_member_by_the_last_four_of_their_id_number(as_secretary, tree, member):
    MemberFactory(branch=tree.branch, name="赵磊")
    url = reverse("members:member-list", args=[tree.branch.pk])
    response = as_secretary.get(url, {"q": member.id_number[-4:]})
    assert [m.name for m in response.context["page"]] == ["李秀英"]


def test_the_list_shows_masked_id_numbers_only(as_secretary, tree, member):
    response = as_secretary.get(reverse("members:member-list", args=[tree.branch.pk]))
    content = response.content.decode()
    assert member.id_number not in content
    assert member.masked_id_number in content


def test_a_town_list_shows_members_of_all_its_branches_only(client, town_organiser, tree):
    MemberFactory(branch=tree.branch, name="甲")
    MemberFactory(branch=tree.neighbour_branch, name="乙")
    MemberFactory(branch=tree.other_branch, name="丙")
    client.force_login(town_organiser)
    response = client.get(reverse("members:member-list", args=[tree.town.pk]))
    assert sorted(m.name for m in response.context["page"]) == ["乙", "甲"]


@pytest.mark.parametrize("rows", [5, 500])
def test_the_member_list_makes_the_same_number_of_queries_for_5_and_500_rows(
    as_secretary, tree, django_assert_num_queries, rows
):
    medical = CapabilityTypeFactory(name="医疗服务型")
    members = MemberFactory.create_batch(rows, branch=tree.branch, grid=tree.grid)
    for member in members:
        member.capability_types.add(medical)
    url = reverse("members:member-list", args=[tree.branch.pk])
    as_secretary.get(url)  # warm the session
    with django_assert_num_queries(QUERIES_ON_MEMBER_LIST):
        response = as_secretary.get(url)
    assert len(response.context["page"]) == min(rows, 50)


# session, user, unit, roles, count, grid and capability choices of the filter, the page of
# members, their capability types, the menu's one statement (unread count, own file).
QUERIES_ON_MEMBER_LIST = 10


def test_the_unit_page_counts_members_per_child_unit(client, district_organiser, tree):
    MemberFactory.create_batch(3, branch=tree.branch)
    MemberFactory(branch=tree.other_branch, is_exempt=True, exemption_reason="年老体弱")
    client.force_login(district_organiser)
    response = client.get(reverse("members:unit-detail", args=[tree.district.pk]))
    counts = {unit.name: numbers for unit, numbers in response.context["rows"]}
    assert counts["鉴湖镇"] == {"total": 3, "exempt": 0, "eligible": 3}
    assert counts["东浦街道"] == {"total": 1, "exempt": 1, "eligible": 0}
