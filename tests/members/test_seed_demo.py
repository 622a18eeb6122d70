"""The members layer of the demo data alone (members.demo.seed_demo), loaded once for
the module (`load`, `seeded` in tests/conftest.py): later layers, e.g. the volunteer service, add files and
history of their own. The whole command is tested in tests/test_seed_demo.py."""

from members import demo
from members.models import CapabilityType, Member, PartnerUnit, Unit


def load() -> demo.SeedResult:
    return demo.seed_demo("small")


def test_member_files_are_consistent(seeded):
    for m in Member.objects.select_related("branch", "grid", "employer"):
        assert m.grid.parent_id == m.branch_id
        if m.category in (Member.Category.ACTIVIST, Member.Category.CAPABLE):
            assert m.joined_party_on is None
        else:
            adult = m.birth_date.replace(year=m.birth_date.year + 18, day=min(m.birth_date.day, 28))
            assert m.joined_party_on >= adult
        if m.category == Member.Category.IN_SERVICE:
            assert m.employer.served_units.filter(pk=m.branch_id).exists()
        else:
            assert m.employer is None
        if m.is_exempt:
            assert m.exemption_reason and m.exempted_at
    assert CapabilityType.objects.count() == 5
    volunteers = Member.objects.filter(category=Member.Category.VOLUNTEER)
    assert volunteers.exists()
    for volunteer in volunteers.prefetch_related("capability_types"):
        assert 1 <= len(volunteer.capability_types.all()) <= 2
    assert PartnerUnit.objects.count() >= 10


def test_seed_rows_have_no_history(seeded):
    assert Member.history.count() == 0
    assert Unit.history.count() == 0


def test_the_database_holds_what_the_plan_says(seeded):
    planned = {(m.name, m.id_number) for m in demo.plan_demo("small").members}
    assert {(m.name, m.id_number) for m in Member.objects.all()} == planned
