import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.forms import DateInput
from members.models import Member, RoleAssignment, Unit
from posts.models import DutyItem, Post, PostType


class PostTypeForm(forms.ModelForm):
    class Meta:
        model = PostType
        fields = ["name", "description", "sort_order", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class DutyItemForm(forms.ModelForm):
    class Meta:
        model = DutyItem
        fields = ["name", "description", "sort_order", "is_active"]


class NewDutyItemForm(forms.Form):
    name = forms.CharField(label=_("Service item"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = [
            "year",
            "post_type",
            "name",
            "seats",
            "duties",
            "needs",
            "instructor",
            "is_active",
        ]
        widgets = {
            "duties": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, branch: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["post_type"].queryset = PostType.objects.for_branch(branch)
        self.fields["needs"].queryset = branch.needs.all()
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Left empty, the post takes the name of its common type.")
        self.fields["instructor"].queryset = instructor_choices(branch)
        self.fields["instructor"].label_from_instance = _person_label
        if not self.instance.pk:
            self.initial.setdefault("year", dt.date.today().year)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name") and not cleaned.get("post_type"):
            self.add_error("name", _("Name the branch's own post, or pick a common type."))
        elif not cleaned.get("name"):
            cleaned["name"] = cleaned["post_type"].name
        self._check_name_free(cleaned)
        self._check_seats_hold_the_holders(cleaned)
        return cleaned

    def _check_seats_hold_the_holders(self, cleaned: dict) -> None:
        """A post cannot have fewer seats than members confirmed in it: the secretary
        ends someone's post first."""
        seats = cleaned.get("seats")
        if not self.instance.pk or seats is None:
            return
        holders = self.instance.choices.confirmed().count()
        if seats < holders:
            self.add_error(
                "seats",
                ngettext(
                    "%(count)s member holds this post: keep at least %(count)s seat, or end "
                    "a holder's post first.",
                    "%(count)s members hold this post: keep at least %(count)s seats, or end "
                    "a holder's post first.",
                    holders,
                )
                % {"count": holders},
            )

    def _check_name_free(self, cleaned: dict) -> None:
        """Post names are unique in a branch's year (the model's constraint): say so on the
        form, naming the clash, rather than fail on save. The branch is not a form field,
        so ModelForm's own unique check leaves this constraint out."""
        name, year = cleaned.get("name"), cleaned.get("year")
        if not name or not year:
            return
        clash = Post.objects.filter(branch=self.branch, year=year, name=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            self.add_error(
                "name",
                _(
                    "%(branch)s already has a post named %(name)s in %(year)s. Give this one "
                    "its own name, e.g. %(name)s（二组）, or add seats to the existing post."
                )
                % {"branch": self.branch.name, "name": name, "year": year},
            )

    def _post_clean(self):
        self.instance.branch = self.branch
        super()._post_clean()


class RecommendationForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    meeting_date = forms.DateField(label=_("Branch meeting date"), widget=DateInput())
    meeting_note = forms.CharField(
        label=_("Minutes note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, post: Post, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(
            branch=post.branch
        ).eligible_for_posts()

    def clean_meeting_date(self):
        date = self.cleaned_data["meeting_date"]
        if date > dt.date.today():
            raise forms.ValidationError(_("The meeting date cannot be in the future."))
        return date


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when returning: say what to refine, add or remove."),
    )


class PledgeForm(forms.Form):
    """One checkbox and one commitment field per item of the post's menu. A commitment
    written under an item left unticked ticks it (`ticked` names those items): what was
    typed is what the member takes on, never dropped. The text an item already had in
    the current version is not typed: left under an unticked item, the item is left out
    (that is how an item is dropped on revising)."""

    based_on = forms.IntegerField(widget=forms.HiddenInput)
    on_paper = forms.BooleanField(
        label=_("Typed in from the member's signed paper pledge"), required=False
    )

    def __init__(
        self,
        *args,
        menu: list[DutyItem],
        current: dict[int, str],
        based_on: int,
        clerk: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.menu = menu
        self.ticked: list[DutyItem] = []
        self.initial["based_on"] = based_on
        if not clerk:
            del self.fields["on_paper"]
        for item in menu:
            self.fields[f"pick_{item.pk}"] = forms.BooleanField(
                label=item.name,
                required=False,
                initial=item.pk in current,
                # Help text is rendered unescaped (crispy's |safe); the menu is typed text.
                help_text=conditional_escape(item.description),
            )
            self.fields[f"commitment_{item.pk}"] = forms.CharField(
                label=_("My commitment"),
                max_length=300,
                required=False,
                initial=current.get(item.pk, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

        if self.is_bound:
            self._tick_written_items(current)

    def _tick_written_items(self, current: dict[int, str]) -> None:
        data = self.data.copy()
        for item in self.menu:
            pick = self.add_prefix(f"pick_{item.pk}")
            written = (data.get(self.add_prefix(f"commitment_{item.pk}")) or "").strip()
            if written and not data.get(pick) and written != current.get(item.pk, "").strip():
                data[pick] = "on"
                self.ticked.append(item)
        self.data = data

    def rows(self):
        for item in self.menu:
            yield item, self[f"pick_{item.pk}"], self[f"commitment_{item.pk}"]

    def clean(self):
        cleaned = super().clean()
        picked = 0
        for item in self.menu:
            if cleaned.get(f"pick_{item.pk}"):
                picked += 1
                if not (cleaned.get(f"commitment_{item.pk}") or "").strip():
                    self.add_error(
                        f"commitment_{item.pk}", _("Write what you will do for this item.")
                    )
        if not picked:
            raise forms.ValidationError(_("Pick at least one item from the duty menu."))
        return cleaned

    def lines(self):
        from posts.services import PledgeLine

        return [
            PledgeLine(item, self.cleaned_data[f"commitment_{item.pk}"])
            for item in self.menu
            if self.cleaned_data.get(f"pick_{item.pk}")
        ]


class GuidanceForm(forms.Form):
    text = forms.CharField(
        label=_("Guidance"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen by the member and the branch secretary."),
    )


def instructor_choices(branch: Unit):
    """Who may instruct a branch's posts: those named instructors at the branch or at
    its town (the case's 镇街干部联系制度)."""
    return (
        get_user_model()
        .objects.filter(
            role_assignments__role=RoleAssignment.Role.INSTRUCTOR,
            role_assignments__unit__in=[branch.pk, branch.parent_id],
        )
        .distinct()
        .order_by("first_name", "username")
    )


def _person_label(user) -> str:
    return user.get_full_name() or user.get_username()


class InstructorForm(forms.Form):
    """The town names a post's instructor from the post page."""

    instructor = forms.ModelChoiceField(
        label=_("Instructor"),
        queryset=None,
        required=False,
        empty_label=_("No instructor"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )

    def __init__(self, *args, branch: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = instructor_choices(branch)
        self.fields["instructor"].label_from_instance = _person_label
