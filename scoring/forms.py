import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.forms import DateInput
from members.models import Member, Unit
from scoring import queries
from scoring.models import Activity, ActivityKind, JointTraining

# The two checkbox lists are laid out by the template, not by crispy.
CHECKBOX = {"class": "form-check-input"}


class DutyItemChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        menu = obj.post_type.name if obj.post_type_id else obj.post.name
        return f"{menu} · {obj.name}"


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        if obj.is_exempt:
            return _("%(name)s (exempt)") % {"name": obj.name}
        return obj.name


class ActivityForm(forms.ModelForm):
    """One form for a whole activity and everyone who took part in it."""

    members = MemberChoices(
        label=_("Who took part"),
        queryset=Member.objects.none(),
        required=False,  # the service says why an activity needs someone
        widget=forms.CheckboxSelectMultiple(CHECKBOX),
    )

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "held_on",
            "place",
            "trainer",
            "people_served",
            "description",
            "visits",
            "information",
            "problems_solved",
            "duty_items",
        ]
        widgets = {
            "held_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "duty_items": forms.CheckboxSelectMultiple(CHECKBOX),
        }
        field_classes = {"duty_items": DutyItemChoices}

    def __init__(self, *args, branch: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("visits", "information", "problems_solved"):
            self.fields[name].required = False  # left empty: none
        self.branch = branch
        today = timezone.localdate()
        self.fields["held_on"].initial = today
        self.fields["kind"].label = _("Activity kind")
        self.fields["kind"].choices = ActivityKind.choices
        self.fields["kind"].initial = ActivityKind.COLLECTIVE
        self.fields["trainer"].help_text = _("For a training.")
        self.fields["people_served"].help_text = _(
            "For an individual service: who was helped (no ID numbers)."
        )
        # This year's posts and last year's, so that December can still be recorded in
        # January; `clean` keeps the items of the activity's own year.
        self.fields["duty_items"].queryset = queries.duty_items_for_branch(
            branch, [today.year - 1, today.year]
        )
        self.fields["duty_items"].help_text = _(
            "The pledged services this activity fulfils: items on the menus of the branch's posts."
        )
        self.fields["members"].queryset = Member.objects.filter(branch=branch).order_by(
            "is_exempt", "name", "id"
        )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        cleaned = super().clean()
        held_on: dt.date | None = cleaned.get("held_on")
        items = cleaned.get("duty_items")
        if held_on and items:
            allowed = set(
                queries.duty_items_for_branch(self.branch, [held_on.year]).values_list(
                    "pk", flat=True
                )
            )
            if any(item.pk not in allowed for item in items):
                self.add_error(
                    "duty_items",
                    _("Pick items of the branch's posts of %(year)s, the year of the activity.")
                    % {"year": held_on.year},
                )
        return cleaned


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Activity kind"),
        choices=[("", _("All kinds")), *ActivityKind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"),
    )


class CorrectionForm(forms.Form):
    right_points = forms.DecimalField(
        label=_("Right number of points"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0"),
        help_text=_("What this entry should be worth. The difference is added to the ledger."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PointsRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity kind"), choices=ActivityKind.choices)
    points = forms.DecimalField(
        label=_("Points per attendance"), max_digits=5, decimal_places=1, min_value=Decimal("0")
    )
    effective_from = forms.DateField(
        label=_("In force from"),
        widget=DateInput(),
        help_text=_(
            "Activities held from this date on earn the new value; entries already "
            "made keep the rule that gave them."
        ),
    )


class JointTrainingForm(forms.ModelForm):
    """A town's or the district's training and everyone who came, from all its branches."""

    members = MemberChoices(
        label=_("Who took part"),
        queryset=Member.objects.none(),
        required=False,  # the service says why a training needs someone
        widget=forms.CheckboxSelectMultiple(CHECKBOX),
    )

    class Meta:
        model = JointTraining
        fields = ["title", "held_on", "place", "trainer", "description"]
        widgets = {
            "held_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["members"].queryset = (
            Member.objects.filter(branch__path__startswith=unit.path)
            .select_related("branch")
            .order_by("branch__code", "is_exempt", "name", "id")
        )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def member_groups(self) -> list[tuple[Unit, list, int]]:
        """The checkboxes by branch, with how many of each branch are ticked (a branch's
        list stays folded until one of its members is)."""
        branch_of = {m.pk: m.branch for m in self.fields["members"].queryset}
        ticked = {str(v) for v in (self["members"].value() or [])}
        groups: dict[int, tuple[Unit, list]] = {}
        for box in self["members"]:
            branch = branch_of[box.data["value"].value]
            groups.setdefault(branch.pk, (branch, []))[1].append(box)
        return [
            (branch, boxes, sum(str(b.data["value"]) in ticked for b in boxes))
            for branch, boxes in groups.values()
        ]
