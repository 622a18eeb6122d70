import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members import idnumbers
from members.models import CapabilityType, Member, Unit


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Member.Category.choices, empty_label=_("All categories")
    )
    grid = django_filters.ModelChoiceFilter(
        label=_("Grid"), queryset=Unit.objects.none(), empty_label=_("All grids")
    )
    capability = django_filters.ModelChoiceFilter(
        label=_("Capability types"),
        field_name="capability_types",
        queryset=CapabilityType.objects.all(),
        empty_label=_("All capability types"),
    )
    is_exempt = django_filters.ChoiceFilter(
        label=_("Post choosing"),
        choices=[("false", _("Choosing posts")), ("true", _("Exempt"))],
        empty_label=_("Everyone"),
        method="filter_exempt",
    )

    class Meta:
        model = Member
        fields = ["q", "category", "grid", "capability", "is_exempt"]

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        if unit.kind == Unit.Kind.BRANCH:
            self.filters["grid"].queryset = Unit.objects.filter(parent=unit, kind=Unit.Kind.GRID)
        else:
            del self.filters["grid"]

    def filter_exempt(self, queryset, name, value):
        return queryset.filter(is_exempt=value == "true")

    def search(self, queryset, name, value):
        """Name, phone, occupation or specialties; the last 4 of an ID number also match,
        since that is what a secretary reads off a masked number."""
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(name__icontains=value)
            | Q(phone__contains=value)
            | Q(occupation__icontains=value)
            | Q(specialties__icontains=value)
        )
        if len(value) == 4:
            # The numbers are encrypted: those in reach are decrypted here, one query.
            tail = value.upper()
            condition |= Q(
                pk__in=[
                    pk
                    for pk, token in queryset.prefetch_related(None)
                    .order_by()
                    .values_list("pk", "id_number_cipher")
                    if idnumbers.decrypt(token).endswith(tail)
                ]
            )
        return queryset.filter(condition)
