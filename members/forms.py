import re
import unicodedata

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import idnumbers
from members.models import (
    CapabilityType,
    LocalSituation,
    Member,
    PartnerUnit,
    ResidentNeed,
    RoleAssignment,
    Unit,
)

PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def clean_phone(raw: str) -> str:
    """A phone as stored: full-width digits folded, spaces, brackets and invisible
    characters dropped. A refusal says what is wrong, as clerks' cells go wrong."""
    phone = re.sub(r"[\s()\u200b-\u200d\u2060\ufeff]", "", unicodedata.normalize("NFKC", raw or ""))
    if not phone or PHONE_PATTERN.match(phone):
        return phone
    digits = re.sub(r"\D", "", phone)
    if re.search(r"\d{7,}\D+\d{7,}", phone):
        problem = _("Two numbers in one cell: keep one, put the other in the notes.")
    elif phone.startswith(("+", "0086")) or (digits.startswith("86") and len(digits) == 13):
        problem = _("Leave out the country code (+86): the number alone, e.g. 13905751234.")
    elif re.fullmatch(r"[1-9]\d{2,3}-?\d{7,8}", phone) and not phone.startswith("1"):
        problem = _(
            "The area code lost its leading 0 (Excel drops it from numbers): format the column as text and type 0575-88001234."
        )
    else:
        problem = _("Enter an 11-digit mobile number or a landline with its area code.")
    raise forms.ValidationError(problem)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberForm(forms.ModelForm):
    """A member file. The ID number is typed once and never shown back: on edit the
    field stays empty and only a newly typed number replaces the stored one."""

    id_number = forms.CharField(label=_("ID number"), max_length=20)

    class Meta:
        model = Member
        fields = [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "phone",
            "category",
            "grid",
            "occupation",
            "education",
            "joined_party_on",
            "employer",
            "specialties",
            "interests",
            "capability_types",
        ]
        widgets = {
            "birth_date": DateInput(),
            "joined_party_on": DateInput(),
            "capability_types": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, branch: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["grid"].queryset = Unit.objects.filter(parent=branch, kind=Unit.Kind.GRID)
        self.fields["employer"].queryset = PartnerUnit.objects.all()
        self.fields["capability_types"].queryset = CapabilityType.objects.filter(is_active=True)
        # Gender and birth date can be read from the ID number.
        self.fields["gender"].required = False
        self.fields["birth_date"].required = False
        self.fields["gender"].help_text = _("Left empty, it is read from the ID number.")
        self.fields["birth_date"].help_text = _("Left empty, it is read from the ID number.")
        if self.instance.pk:
            self.fields["id_number"].required = False
            self.fields["id_number"].label = _("New ID number")
            self.fields["id_number"].help_text = _(
                "Stored: %(masked)s. Leave empty to keep it; type a number only to correct it."
            ) % {"masked": self.instance.masked_id_number}
            self.initial["id_number"] = ""

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_id_number(self) -> str:
        number = idnumbers.normalize(self.cleaned_data.get("id_number", ""))
        if not number:
            return self.instance.id_number if self.instance.pk else number
        idnumbers.validate_id_number(number)
        # Departed members' files too: their ID numbers stay taken.
        clash = Member.all_files.filter(id_number_hash=idnumbers.digest(number)).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(_("A member file with this ID number already exists."))
        return number

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("id_number")
        if number:
            from_id_birth = idnumbers.birth_date(number)
            from_id_gender = idnumbers.gender_code(number)
            if not cleaned.get("birth_date"):
                cleaned["birth_date"] = from_id_birth
            elif cleaned["birth_date"] != from_id_birth:
                self.add_error(
                    "birth_date", _("This does not match the birth date in the ID number.")
                )
            if not cleaned.get("gender"):
                cleaned["gender"] = from_id_gender
            elif cleaned["gender"] != from_id_gender:
                self.add_error("gender", _("This does not match the gender in the ID number."))
        if cleaned.get("category") == Member.Category.IN_SERVICE and not cleaned.get("employer"):
            self.add_error("employer", _("An in-service member needs an employer unit."))
        return cleaned

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if not self.cleaned_data.get("id_number"):
            exclude.add("id_number")  # already refused above: once is enough
        return exclude

    def _post_clean(self):
        # The ID number was checked above, unique-tested included; the model field
        # validator would re-run on the normalised value, which is harmless.
        self.instance.branch = self.branch
        if self.cleaned_data.get("id_number"):
            # Not a model field: the model keeps it encrypted and hashed.
            self.instance.id_number = self.cleaned_data["id_number"]
        super()._post_clean()


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "households", "address"]

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != Unit.Kind.GRID:
            del self.fields["households"]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class ExemptionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("E.g. elderly and infirm, long-term illness, lost the ability to work."),
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Give a reason for the exemption."))
        return reason


class LocalSituationForm(forms.ModelForm):
    class Meta:
        model = LocalSituation
        fields = [
            "households",
            "registered_population",
            "resident_population",
            "migrant_population",
            "area",
            "economy",
            "venues",
            "needy_groups",
        ]
        widgets = {
            "economy": forms.Textarea(attrs={"rows": 3}),
            "venues": forms.Textarea(attrs={"rows": 3}),
            "needy_groups": forms.Textarea(attrs={"rows": 3}),
        }


class ResidentNeedForm(forms.ModelForm):
    class Meta:
        model = ResidentNeed
        fields = ["category", "title", "description", "raised_by", "raised_on", "is_met"]
        widgets = {"raised_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}


class CapabilityTypeForm(forms.ModelForm):
    class Meta:
        model = CapabilityType
        fields = ["name", "description", "sort_order", "is_active"]


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Roster file (.xlsx, .xls or .ods)"))


class LoginForm(AuthenticationForm):
    """Django's log-in form, whose user name field shows a maxlength but does not check
    it: a longer name (no user has one) is refused here, before it is tried and recorded
    as a failed log-in in a column too short for it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class ActivationForm(forms.Form):
    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        help_text=_("The eight letters and digits on your slip, e.g. ABCD-EFGH."),
    )
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not like your name."),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned

    def check_password_for(self, user) -> bool:
        """Django's password validators, against the user the code belongs to."""
        try:
            password_validation.validate_password(self.cleaned_data["password1"], user)
        except ValidationError as problems:
            self.add_error("password1", problems)
            return False
        return True


class LeaveForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Member.LeaveReason.choices)
    left_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("E.g. the branch they moved to."),
    )

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        if left_on > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return left_on


class GrantForm(forms.Form):
    position = forms.ChoiceField(label=_("Role"))
    person = forms.CharField(
        label=_("Person"),
        max_length=50,
        help_text=_("Their name, mobile number or log-in name, as on their file."),
    )

    def __init__(self, *args, pairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairs = {f"{role}:{unit.pk}": (role, unit) for role, unit in pairs}
        self.fields["position"].choices = [
            (key, f"{RoleAssignment.Role(role).label} · {unit.name}")
            for key, (role, unit) in self.pairs.items()
        ]
