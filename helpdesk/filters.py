import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk.models import HelpRequest, ServiceCategory, VolunteerProfile, VolunteerYear
from members.models import CapabilityType, Unit


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
    branch = django_filters.ModelChoiceFilter(
        label=_("Village or community"),
        field_name="member__branch",
        queryset=Unit.objects.none(),
        empty_label=_("All villages and communities"),
    )
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
        if unit.kind in (Unit.Kind.DISTRICT, Unit.Kind.TOWN):
            self.filters["branch"].queryset = Unit.objects.within(unit).filter(
                kind=Unit.Kind.BRANCH
            )
        else:
            del self.filters["branch"]
        if unit.kind == Unit.Kind.BRANCH:
            self.filters["grid"].queryset = Unit.objects.filter(parent=unit, kind=Unit.Kind.GRID)
        else:
            del self.filters["grid"]
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
    branch = django_filters.ModelChoiceFilter(
        label=_("Village or community"),
        field_name="profile__member__branch",
        queryset=Unit.objects.none(),
        empty_label=_("All villages and communities"),
    )

    class Meta:
        model = VolunteerYear
        fields = ["q", "town", "branch"]

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        if unit.kind == Unit.Kind.DISTRICT:
            self.filters["town"].queryset = Unit.objects.within(unit).filter(kind=Unit.Kind.TOWN)
        else:
            del self.filters["town"]
        if unit.kind == Unit.Kind.TOWN:
            self.filters["branch"].queryset = Unit.objects.within(unit).filter(
                kind=Unit.Kind.BRANCH
            )
        else:
            # A district's few hundred villages make too long a list: search or pick a
            # town instead.
            del self.filters["branch"]
        _bootstrap(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(profile__member__name__icontains=value) | Q(profile__number__icontains=value)
        )
