import datetime as dt
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _

from helpdesk import addresses, antispam
from helpdesk.models import (
    ExcellenceRule,
    HelpRequest,
    ServiceCategory,
    ServiceLog,
    ServiceTeam,
    VolunteerProfile,
)
from members.forms import clean_phone
from members.models import CapabilityType, Member, Unit

CHECKBOX = {"class": "form-check-input"}


def _one_line(value: str) -> str:
    return " ".join((value or "").split())


class GridChoice(forms.ModelChoiceField):
    """A grid with its area, so a resident recognises theirs: 第1网格（秦望村1—3组）."""

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}（{obj.address}）" if obj.address else obj.name


class ScopedGridChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        area = f"（{obj.address}）" if obj.address else ""
        return f"{obj.parent.name} · {obj.name}{area}"


# --- the public help form ----------------------------------------------------------------------


class AskForm(forms.Form):
    """The resident's help request (求助). Validates and normalises; the flood checks
    are antispam's, the saving is the service's."""

    resident_name = forms.CharField(label=_("Your name"), max_length=50)
    phone = forms.CharField(
        label=_("Your phone"),
        max_length=20,
        help_text=_("Only the team and the village's operators see it, to call you back."),
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    grid = GridChoice(
        label=_("Your grid"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Not sure: find it from my address"),
    )
    category = forms.ChoiceField(
        label=_("Kind of help"), choices=[("", "—"), *ServiceCategory.choices]
    )
    description = forms.CharField(
        label=_("What help do you need?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Filled in by bots only: hidden from people by CSS and from screen readers.
    website = forms.CharField(label=_("Leave this empty"), required=False)
    issued = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, branch: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["grid"].queryset = Unit.objects.filter(
            parent=branch, kind=Unit.Kind.GRID
        ).order_by("code")
        self.fields["website"].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1", "aria-hidden": "true"}
        )
        # Help text is rendered unescaped (crispy's |safe), and a branch name is typed text.
        self.fields["address"].help_text = _("E.g. %(example)s.") % {
            "example": conditional_escape(f"{branch.name}2组15号")
        }
        self.fields["resident_name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update(
            {"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
        )
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        if not self.is_bound:
            self.initial["issued"] = antispam.issue_token()

    def clean_resident_name(self) -> str:
        return _one_line(self.cleaned_data["resident_name"])

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_address(self) -> str:
        return _one_line(self.cleaned_data["address"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(antispam.HONEYPOT):
            raise forms.ValidationError(_("This form could not be accepted."), code="honeypot")
        problem = antispam.token_problem(self.data.get("issued", ""))
        if problem == "fast":
            raise forms.ValidationError(
                _("That was very quick: check what you typed, then send the form again."),
                code="too_fast",
            )
        if problem in ("stale", "bad"):
            self.data = self.data.copy()
            self.data["issued"] = antispam.issue_token()
            raise forms.ValidationError(
                _("This form was open too long: send it again."), code="stale"
            )
        return cleaned


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Request code"), max_length=20)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[
            (5, _("5 – very satisfied")),
            (4, _("4 – satisfied")),
            (3, _("3 – so-so")),
            (2, _("2 – dissatisfied")),
            (1, _("1 – very dissatisfied")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


# --- operators ----------------------------------------------------------------------------------


class RequestEntryForm(forms.Form):
    """An operator's entry of a request taken by hotline, QQ/WeChat group or in person."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=HelpRequest.Channel.choices, initial="hotline"
    )
    resident_name = forms.CharField(label=_("Resident's name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    address = forms.CharField(label=_("Address"), max_length=200)
    branch = forms.ModelChoiceField(
        label=_("Village or community"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty to find it from the address."),
    )
    grid = ScopedGridChoice(
        label=_("Grid"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty to find it from the address."),
    )
    category = forms.ChoiceField(label=_("Kind of help"), choices=ServiceCategory.choices)
    description = forms.CharField(
        label=_("What help is needed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = units.filter(kind=Unit.Kind.BRANCH).order_by("path")
        self.fields["grid"].queryset = (
            units.filter(kind=Unit.Kind.GRID).select_related("parent").order_by("path")
        )

    def clean_resident_name(self) -> str:
        return _one_line(self.cleaned_data["resident_name"])

    def clean_phone(self) -> str:
        phone = clean_phone(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(_("Enter a phone number to call the resident back."))
        return phone

    def clean(self):
        cleaned = super().clean()
        grid, branch = cleaned.get("grid"), cleaned.get("branch")
        if grid is not None:
            if branch is not None and grid.parent_id != branch.pk:
                self.add_error("grid", _("This grid is not in the village or community chosen."))
            cleaned["branch"] = grid.parent
        elif branch is None and cleaned.get("address"):
            found = addresses.find_grid(cleaned["address"], self.fields["grid"].queryset)
            if found is None:
                raise forms.ValidationError(
                    _("The address does not tell the grid: choose the village or the grid.")
                )
            cleaned["grid"], cleaned["branch"] = found, found.parent
        return cleaned


class DispatchForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Service team"), queryset=ServiceTeam.objects.none())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Needed when the request leaves the team it was with."),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda t: f"{t.grid.parent.name} · {t.name}"


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Outcome"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing"),
        max_length=300,
        help_text=_("E.g. a duplicate, withdrawn by the resident, not a matter for volunteers."),
    )


# --- teams and volunteers -------------------------------------------------------------------------


class VolunteerChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: VolunteerProfile) -> str:
        types = "、".join(t.name for t in obj.member.capability_types.all()) or "—"
        return f"{obj.member.name}（{types}）"


class LeaderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: VolunteerProfile) -> str:
        return f"{obj.member.name} · {obj.number}"


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)
    leader = LeaderChoice(label=_("Team leader"), queryset=VolunteerProfile.objects.none())
    volunteers = VolunteerChoices(
        label=_("Volunteers"),
        queryset=VolunteerProfile.objects.none(),
        required=False,  # the service says how many a team needs
        widget=forms.CheckboxSelectMultiple(CHECKBOX),
    )

    def __init__(self, *args, grid: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        # The branch's active volunteers who are free or already in this grid's team.
        candidates = (
            VolunteerProfile.objects.filter(member__branch=grid.parent, is_active=True)
            .exclude(Q(membership__isnull=False) & ~Q(membership__team__grid=grid))
            .select_related("member")
            .prefetch_related("member__capability_types")
            .order_by("member__grid__code", "member__name", "pk")
        )
        self.fields["volunteers"].queryset = candidates
        self.fields["leader"].queryset = candidates
        self.fields["volunteers"].help_text = _(
            "3 to 10 active volunteers of the branch, of at least two capability types; the "
            "leader is one of them. Volunteers of another team are not listed."
        )

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"])


class EnrolForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    specialties = forms.CharField(
        label=_("Specialties for service"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the member file's specialties are shown."),
    )
    availability = forms.CharField(label=_("Availability"), max_length=200, required=False)

    def __init__(self, *args, branch: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(
            branch=branch, volunteer_profile__isnull=True, is_exempt=False
        ).order_by("name", "pk")


class VolunteerForm(forms.ModelForm):
    class Meta:
        model = VolunteerProfile
        fields = ["specialties", "availability", "is_active"]


class ServiceLogForm(forms.ModelForm):
    """One form for a whole service: tick the volunteers who were there."""

    served_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    volunteers = VolunteerChoices(
        label=_("Volunteers present"),
        queryset=VolunteerProfile.objects.none(),
        required=False,  # the service says why a log needs someone
        widget=forms.CheckboxSelectMultiple(CHECKBOX),
    )
    hours = forms.DecimalField(
        label=_("Hours each"),
        min_value=Decimal("0.5"),
        max_value=Decimal("24"),
        decimal_places=1,
        initial=Decimal("1"),
        help_text=_("How long the service took; each volunteer present is credited with it."),
    )

    class Meta:
        model = ServiceLog
        fields = ["served_at", "category", "people_served", "people_count", "content", "request"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, team: ServiceTeam, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = (
            VolunteerProfile.objects.filter(membership__team=team)
            .select_related("member")
            .prefetch_related("member__capability_types")
            .order_by("member__name", "pk")
        )
        recent = timezone.now() - dt.timedelta(days=60)
        self.fields["request"].queryset = HelpRequest.objects.filter(
            team=team, received_at__gte=recent
        ).exclude(state=HelpRequest.State.CLOSED)
        self.fields["request"].label_from_instance = lambda r: (
            f"{r.code} · {r.get_category_display()} · {r.get_state_display()}"
        )
        self.fields["request"].help_text = _("The help request this service answered, if any.")
        if not self.is_bound:
            self.initial["served_at"] = timezone.localtime().replace(second=0, microsecond=0)


class ServiceLogCorrectionForm(forms.Form):
    """A service log's figures as they should read, and why they are corrected."""

    hours = forms.DecimalField(
        label=_("Hours each"), min_value=Decimal("0.5"), max_value=Decimal("24"), decimal_places=1
    )
    people_served = forms.CharField(
        label=_("People served"), max_length=200, help_text=_("Who was helped (no ID numbers).")
    )
    people_count = forms.IntegerField(
        label=_("Number of people served"), min_value=1, max_value=10000
    )
    content = forms.CharField(
        label=_("Service content"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    volunteers = VolunteerChoices(
        label=_("Volunteers present"),
        queryset=VolunteerProfile.objects.none(),
        required=False,  # the service says why a log needs someone
        widget=forms.CheckboxSelectMultiple(CHECKBOX),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=180,
        help_text=_("Kept with the correction and shown in the log's history and the ledger."),
    )

    def __init__(self, *args, log: ServiceLog, **kwargs):
        super().__init__(*args, **kwargs)
        # The team's volunteers now, and those on the log who may have left it since.
        self.fields["volunteers"].queryset = (
            VolunteerProfile.objects.filter(Q(membership__team=log.team_id) | Q(service_logs=log))
            .distinct()
            .select_related("member")
            .prefetch_related("member__capability_types")
            .order_by("member__name", "pk")
        )
        if not self.is_bound:
            self.initial.update(
                hours=log.hours,
                people_served=log.people_served,
                people_count=log.people_count,
                content=log.content,
                volunteers=list(log.volunteers.values_list("pk", flat=True)),
            )


class ExcellenceRuleForm(forms.Form):
    min_hours = forms.DecimalField(
        label=_("At least this many service hours"), min_value=0, decimal_places=1
    )
    min_services = forms.IntegerField(label=_("or at least this many services"), min_value=0)
    min_favourable_percent = forms.IntegerField(
        label=_("and this share of favourable votes (%)"), min_value=0, max_value=100
    )
    favourable_comparison = forms.ChoiceField(
        label=_("the favourable share must be"),
        choices=ExcellenceRule.Comparison.choices,
        help_text=_(
            "With “at least”, a share equal to the figure qualifies; with “more than”, it "
            "must be exceeded."
        ),
    )
    min_votes = forms.IntegerField(
        label=_("the share counts from this many ratings"),
        required=False,  # left empty: the rule keeps its number
        min_value=1,
        max_value=1000,
        help_text=_(
            "With fewer ratings a volunteer does not qualify on satisfaction: one vote is "
            "not 100 %."
        ),
    )


class ResponseRuleForm(forms.Form):
    """A district's time limits for requests (`helpdesk.services.set_response_rule`)."""

    dispatch_minutes = forms.IntegerField(
        label=_("Dispatched to a team within (minutes)"), min_value=1, max_value=24 * 60
    )
    arrive_minutes = forms.IntegerField(
        label=_("Someone on site within (minutes of dispatch)"), min_value=1, max_value=7 * 24 * 60
    )
    resolve_hours = forms.IntegerField(
        label=_("Resolved within (hours of receipt)"), min_value=1, max_value=30 * 24
    )
    secretary_after_minutes = forms.IntegerField(
        label=_("The branch secretary is told (minutes after a limit)"),
        min_value=0,
        max_value=7 * 24 * 60,
        help_text=_("The team leader is told at the limit itself."),
    )
    town_after_minutes = forms.IntegerField(
        label=_("The town is told (minutes after a limit)"), min_value=0, max_value=7 * 24 * 60
    )

    def clean(self):
        data = super().clean()
        secretary, town = data.get("secretary_after_minutes"), data.get("town_after_minutes")
        if secretary is not None and town is not None and secretary > town:
            self.add_error(
                "town_after_minutes", _("The branch secretary is told before the town, not after.")
            )
        return data


# --- the year's excellent volunteers, selected; joining the pool ------------------------------

ROW_ID = {"min_value": 1, "max_value": 2**31 - 1, "widget": forms.HiddenInput}


class ProposeForm(forms.Form):
    """A town proposes one volunteer of the qualifying list."""

    profile = forms.IntegerField(**ROW_ID)
    note = forms.CharField(
        label=_("Note for the district"),
        max_length=200,
        required=False,
        help_text=_("Optional: what stands out in their service."),
    )

    def clean_note(self) -> str:
        return _one_line(self.cleaned_data["note"])


class NominationForm(forms.Form):
    """One proposal acted on: withdrawn, confirmed or declined."""

    nomination = forms.IntegerField(**ROW_ID)


class ApplicationForm(forms.Form):
    """A member's application to join the volunteer pool, on their phone."""

    capability_types = forms.ModelMultipleChoiceField(
        label=_("What can you do for residents?"),
        queryset=CapabilityType.objects.none(),
        widget=forms.CheckboxSelectMultiple(CHECKBOX),
        error_messages={"required": _("Choose at least one kind of service you can give.")},
    )
    specialties = forms.CharField(
        label=_("Specialties for service"),
        max_length=200,
        required=False,
        help_text=_("E.g. plumbing and wiring, nursing, tax forms."),
    )
    availability = forms.CharField(
        label=_("When can you serve?"),
        max_length=200,
        required=False,
        help_text=_("E.g. weekday evenings and weekends."),
    )
    conduct_version = forms.IntegerField(min_value=0, max_value=32767, widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read the service standards and code of conduct above and accept them."),
        widget=forms.CheckboxInput(CHECKBOX),
        error_messages={
            "required": _("Accept the service standards and code of conduct to apply.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability_types"].queryset = CapabilityType.objects.filter(is_active=True)

    def clean_specialties(self) -> str:
        return _one_line(self.cleaned_data["specialties"])

    def clean_availability(self) -> str:
        return _one_line(self.cleaned_data["availability"])


class DeclineApplicationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("The member reads it."),
        error_messages={"required": _("Say why the application is declined.")},
    )

    def clean_reason(self) -> str:
        reason = _one_line(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("Say why the application is declined."))
        return reason


class ConductForm(forms.Form):
    body = forms.CharField(
        label=_("Service standards and code of conduct"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Members accept this text when they apply. Saving makes a new version; "
            "earlier applications keep the version they accepted."
        ),
    )
