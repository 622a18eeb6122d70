"""Trainings a town or the district holds for members of several branches (point 8 of
the year's issue): the list, the form that records attendance once, and the page of
one training with each branch's part."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members import access
from scoring import access as scoring_access
from scoring import queries, services
from scoring.forms import JointTrainingForm
from volunteer.urls_util import year_param


@login_required
def training_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = scoring_access.get_training_unit(request.user, pk)
    year = year_param(request)
    return render(
        request,
        "scoring/training_list.html",
        {
            "unit": unit,
            "year": year,
            "trainings": queries.unit_trainings(unit, year),
            "may_add": access.can_organise(request.user, unit),
            "breadcrumbs": [*access.units_above_overseen(request.user, unit), unit],
        },
    )


@login_required
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = scoring_access.get_training_unit(request.user, pk, manage=True)
    form = JointTrainingForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            training = services.record_joint_training(
                unit=unit,
                title=data["title"],
                held_on=data["held_on"],
                members=list(data["members"]),
                place=data["place"],
                trainer=data["trainer"],
                description=data["description"],
                by=request.user,
            )
        except services.ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(title)s recorded: %(count)s members earned points in their branches.")
                % {"title": training.title, "count": len(data["members"])},
            )
            return redirect("scoring:training-detail", pk=training.pk)
    return render(
        request,
        "scoring/training_form.html",
        {
            "unit": unit,
            "form": form,
            "groups": form.member_groups(),
            "breadcrumbs": [*access.units_above_overseen(request.user, unit), unit],
        },
    )


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = scoring_access.get_training_for_user(request.user, pk)
    training = granted.training
    parts = queries.training_parts(training, granted.branch_paths, granted.sees_all)
    return render(
        request,
        "scoring/training_detail.html",
        {
            "training": training,
            "parts": parts,
            "people": sum(len(part.names) for part in parts),
            "sees_all": granted.sees_all,
            "breadcrumbs": access.units_above_overseen(request.user, training.unit)
            + ([training.unit] if granted.sees_all else []),
        },
    )
