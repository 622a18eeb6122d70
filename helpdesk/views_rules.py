"""The district's time limits for help requests (时限规则): read by the organisers in the
district, set by the district organiser; the history shows every change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helpdesk import services
from helpdesk.forms import ResponseRuleForm
from members import access as member_access
from volunteer.history import change_log

FIELDS = [
    "dispatch_minutes",
    "arrive_minutes",
    "resolve_hours",
    "secretary_after_minutes",
    "town_after_minutes",
]


@login_required
def response_rule(request: HttpRequest, pk: int) -> HttpResponse:
    granted = member_access.get_district_for_user(request.user, pk, manage=request.method == "POST")
    district = granted.district
    rule = services.response_rule(district)
    form = ResponseRuleForm(
        request.POST or None, initial={name: getattr(rule, name) for name in FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_response_rule(district=district, by=request.user, **form.cleaned_data)
        except services.HelpdeskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The time limits are saved."))
            return redirect("helpdesk:response-rule", pk=district.pk)
    return render(
        request,
        "helpdesk/response_rule.html",
        {
            "district": district,
            "rule": rule,
            "form": form,
            "can_set": granted.may_set_rules,
            "log": change_log(rule) if rule.pk else [],
        },
    )
