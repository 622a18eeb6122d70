"""Forms of the year-end evaluation. They validate and normalise input; the rules live
in scoring.evaluation, whose refusals the views add to the form as errors."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms import DateInput
from members.models import Member
from posts.models import Choice
from scoring.evaluation import MAX_VOTES
from scoring.models import Ballot, EvaluationRule, Honour, Sanction


class SelfReportForm(forms.Form):
    text = forms.CharField(
        label=_("Self-report"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("What you pledged, what you did in your post this year, and what is left."),
    )

    def __init__(self, *args, clerk: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if clerk:
            self.fields["text"].help_text = _(
                "Typed in by the branch from the member's written self-report."
            )


class BallotsForm(forms.Form):
    """Ballots of one kind of voter, entered as counts: one ballot row per vote."""

    voter = forms.ChoiceField(
        label=_("Voters"), choices=Ballot.Voter.choices, widget=forms.RadioSelect
    )
    favourable = forms.IntegerField(
        label=_("Favourable ballots"), min_value=0, max_value=MAX_VOTES, initial=0
    )
    unfavourable = forms.IntegerField(
        label=_("Unfavourable ballots"), min_value=0, max_value=MAX_VOTES, initial=0
    )

    def clean(self):
        cleaned = super().clean()
        favourable, unfavourable = cleaned.get("favourable"), cleaned.get("unfavourable")
        if favourable == 0 and unfavourable == 0:
            raise forms.ValidationError(_("Enter at least one ballot."))
        return cleaned


class PaperCountsForm(forms.Form):
    """A paper vote's counts per voter group; they replace earlier counts."""

    member_favourable = forms.IntegerField(
        label=_("Party members: favourable votes"), min_value=0, max_value=MAX_VOTES, required=False
    )
    member_total = forms.IntegerField(
        label=_("Party members: votes cast"), min_value=0, max_value=MAX_VOTES, required=False
    )
    resident_favourable = forms.IntegerField(
        label=_("Residents' representatives: favourable votes"),
        min_value=0,
        max_value=MAX_VOTES,
        required=False,
    )
    resident_total = forms.IntegerField(
        label=_("Residents' representatives: votes cast"),
        min_value=0,
        max_value=MAX_VOTES,
        required=False,
    )

    @classmethod
    def for_evaluation(cls, evaluation, **kwargs) -> "PaperCountsForm":
        """The form filled with the saved counts."""
        return cls(
            initial={
                "member_favourable": evaluation.paper_member_favourable,
                "member_total": evaluation.paper_member_total,
                "resident_favourable": evaluation.paper_resident_favourable,
                "resident_total": evaluation.paper_resident_total,
            },
            **kwargs,
        )

    def clean(self):
        cleaned = super().clean()
        for name in self.base_fields:
            # An empty box is a group that did not vote on paper.
            if name not in self.errors and cleaned.get(name) is None:
                cleaned[name] = 0
        for group in ("member", "resident"):
            favourable = cleaned.get(f"{group}_favourable")
            total = cleaned.get(f"{group}_total")
            if favourable is not None and total is not None and favourable > total:
                self.add_error(
                    f"{group}_favourable", _("Favourable votes cannot exceed the votes cast.")
                )
        return cleaned


class AssessmentForm(forms.Form):
    text = forms.CharField(
        label=_("Organisation's assessment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class HonourForm(forms.Form):
    kind = forms.ChoiceField(label=_("Honour"), choices=Honour.Kind.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Sanction"), choices=Sanction.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    record = forms.CharField(
        label=_("Record"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a talk: who spoke, what was said, what the member undertook."),
    )
    choice = forms.ModelChoiceField(
        label=_("Post the member leaves"),
        queryset=Choice.objects.none(),
        required=False,
        help_text=_("Only for a removal from post."),
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].queryset = (
            Choice.objects.filter(member=member).confirmed().select_related("post")
        )
        self.fields["choice"].label_from_instance = lambda c: f"{c.post.name} ({c.post.year})"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Sanction.Kind.REMOVAL and not cleaned.get("choice"):
            self.add_error("choice", _("Pick the post the member leaves."))
        return cleaned


class EvaluationRuleForm(forms.Form):
    points_method = forms.ChoiceField(
        label=_("Points score"),
        choices=EvaluationRule.PointsMethod.choices,
        widget=forms.RadioSelect,
    )
    target_points = forms.DecimalField(
        label=_("Target points"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.1"),
        required=False,
        help_text=_("Only for scoring against a target: the points that score 100."),
    )
    grid_points = forms.ChoiceField(
        label=_("Grid-service points in the score"),
        choices=EvaluationRule.GridPoints.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Points from grid service logs stay on the points card either way; this only "
            "decides how much of them the year-end points score counts."
        ),
    )
    grid_points_cap = forms.DecimalField(
        label=_("Cap on grid-service points"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.1"),
        required=False,
        help_text=_("Only when they count up to a cap."),
    )
    appraisal_weight = forms.DecimalField(
        label=_("Weight of the appraisal"),
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
    )
    points_weight = forms.DecimalField(
        label=_("Weight of the points"),
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        help_text=_("The two weights add up to 1."),
    )
    excellent_from = forms.DecimalField(
        label=_("Excellent from"), max_digits=4, decimal_places=1, min_value=0, max_value=100
    )
    good_from = forms.DecimalField(
        label=_("Good from"), max_digits=4, decimal_places=1, min_value=0, max_value=100
    )
    average_from = forms.DecimalField(
        label=_("Average from"),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        help_text=_("Below this the grade is poor. A score at a threshold gets the higher grade."),
    )

    @classmethod
    def initial_from(cls, rule: EvaluationRule) -> dict:
        return {name: getattr(rule, name) for name in cls.base_fields}
