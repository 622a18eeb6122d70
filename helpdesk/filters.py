import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk.models import HelpRequest, ServiceCategory, VolunteerProfile, VolunteerYear
from members.models import CapabilityType, Unit


def _village_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    """A village-or-community choice; its choices are set per scope by `_offer`."""
    return django_filters.ModelChoiceFilter(
        label=_("Village or community"),
        field_name=field_name,
        queryset=Unit.objects.none(),
        empty_label=_("All villages and communities"),
    )


def _within(unit: Unit, kind: str):
    return Unit.objects.within(unit).filter(kind=kind)


def _offer(filterset, name: str, choices) -> None:
    """Offer filter `name` with these choices, or drop it (choices None) where the
    viewer's scope has nothing to choose or too much to list."""
    if choices is None:
        del filterset.filters[name]
    else:
        filterset.filters[name].queryset = choices


class VolunteerFilter(django_filters.FilterSet):
    """The volunteer pool (党员义工信息库), searchable by name, number or specialty and
    filtered by capability type, branch, grid and team."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    capability = django_filters.ModelChoiceFilter(
        label=_("Capability type"),
        field_name="member__capability_types",
        queryset=CapabilityType.objects.all(),
        empty_label=_("All capability types"),
    )
    branch = _village_filter("member__branch")
    grid = django_filters.ModelChoiceFilter(
        label=_("Grid"),
        field_name="member__grid",
        queryset=Unit.objects.none(),
        empty_label=_("All grids"),
    )
    in_team = django_filters.ChoiceFilter(
        label=_("Team"),
        choices=[("yes", _("In a team")), ("no", _("Not in a team"))],
        empty_label=_("Everyone"),
        method="filter_in_team",
    )
    is_active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("true", _("Active")), ("false", _("Inactive"))],
        empty_label=_("Active and inactive"),
        method="filter_active",
    )

    class Meta:
        model = VolunteerProfile
        fields = ["q", "capability", "branch", "grid", "in_team", "is_active"]

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        is_branch = unit.kind == Unit.Kind.BRANCH
        _offer(self, "branch", None if is_branch else _within(unit, Unit.Kind.BRANCH))
        _offer(self, "grid", _within(unit, Unit.Kind.GRID) if is_branch else None)
        self.filters["capability"].queryset = CapabilityType.objects.filter(is_active=True)
        _bootstrap(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(member__name__icontains=value)
            | Q(number__icontains=value)
            | Q(specialties__icontains=value)
            | Q(member__specialties__icontains=value)
        )

    def filter_in_team(self, queryset, name, value):
        return queryset.filter(membership__isnull=value != "yes")

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "true")


def _bootstrap(form) -> None:
    """Bootstrap classes on the filter widgets (the templates lay them out)."""
    for field in form.fields.values():
        is_select = getattr(field.widget, "input_type", "") == "select" or hasattr(
            field.widget, "choices"
        )
        field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")


STATE_CHOICES = [
    ("open", _("Open (not finished)")),
    *HelpRequest.State.choices,
    ("all", _("All")),
]


class BoardFilter(django_filters.FilterSet):
    """The dispatch board's filters. `state` and `late` are applied by
    helpdesk.queries.board_requests (they decide the order too)."""

    state = django_filters.ChoiceFilter(
        label=_("State"), choices=STATE_CHOICES, empty_label=None, method="keep"
    )
    late = django_filters.BooleanFilter(
        label=_("Late only"), method="keep", widget=django_filters.widgets.BooleanWidget()
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=HelpRequest.Channel.choices, empty_label=_("All channels")
    )
    category = django_filters.ChoiceFilter(
        label=_("Kind of help"), choices=ServiceCategory.choices, empty_label=_("All kinds")
    )
    code = django_filters.CharFilter(label=_("Request code"), method="by_code")

    class Meta:
        model = HelpRequest
        fields = ["state", "late", "channel", "category", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self.form)

    def keep(self, queryset, name, value):
        return queryset

    def by_code(self, queryset, name, value):
        value = "".join(ch for ch in value.upper() if ch.isalnum())
        return queryset.filter(code__startswith=value) if value else queryset


class ExcellentFilter(django_filters.FilterSet):
    """The excellent-volunteer list, searchable by name or volunteer number and narrowed
    to a town (in a district) or a village or community (in a district or town)."""

    q = django_filters.CharFilter(label=_("Name or number"), method="search")
    town = django_filters.ModelChoiceFilter(
        label=_("Town or street"),
        field_name="profile__member__branch__parent",
        queryset=Unit.objects.none(),
        empty_label=_("All towns and streets"),
    )
    branch = _village_filter("profile__member__branch")

    class Meta:
        model = VolunteerYear
        fields = ["q", "town", "branch"]

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        is_district = unit.kind == Unit.Kind.DISTRICT
        _offer(self, "town", _within(unit, Unit.Kind.TOWN) if is_district else None)
        # A district's few hundred villages make too long a list: search or pick a town.
        is_town = unit.kind == Unit.Kind.TOWN
        _offer(self, "branch", _within(unit, Unit.Kind.BRANCH) if is_town else None)
        _bootstrap(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(profile__member__name__icontains=value) | Q(profile__number__icontains=value)
        )
