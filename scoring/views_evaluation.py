"""Pages of the year-end evaluation (民主评岗): the branch board, the result page with
the whole computation, the member's self-report, the district's rule, result notices
(PDF), and the results of in-service members for their employer units.

Scope comes from scoring.access (built on members.access): outside one's units is 404,
reading without the right to write is 403 on a write. An evaluation is read by its member and by those who
oversee its branch; only the branch secretary enters votes, assessments, honours and
sanctions.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from members import access
from members.access import get_district_for_user
from members.models import Member, PartnerUnit, Unit
from posts.models import Choice
from scoring import documents
from scoring import evaluation as ev
from scoring.access import EvaluationAccess, get_evaluation_for_user
from scoring.forms_evaluation import (
    AssessmentForm,
    BallotsForm,
    EvaluationRuleForm,
    HonourForm,
    PaperCountsForm,
    SanctionForm,
    SelfReportForm,
)
from scoring.models import Ballot, Evaluation, EvaluationRule, Grade, Honour, Sanction
from scoring.services import ScoringError, district_of
from volunteer.filenames import file_name
from volunteer.pdf import pdf_response, render_pdf
from volunteer.urls_util import row_id
from volunteer.xlsx import rows_to_xlsx, xlsx_response

# --- arguments ------------------------------------------------------------------------


# --- the branch board --------------------------------------------------------------------


@login_required
def branch_board(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The secretary's board for a year: who is evaluated, what is entered, the scores."""
    granted = access.get_branch_access(request.user, pk)
    branch = granted.branch
    evaluations = list(
        Evaluation.objects.filter(branch=branch, year=year)
        .select_related("member", "rule")
        .annotate(
            ballots_total=Count("ballots"),
            ballots_favourable=Count("ballots", filter=Q(ballots__favourable=True)),
        )
        .order_by(F("final_score").desc(nulls_last=True), "member__name")
    )
    # Holders without an evaluation this year (one evaluated in another branch counts).
    not_opened = ev.post_holders(branch, year).exclude(evaluations__year=year).count()
    district = district_of(branch)
    rule = EvaluationRule.objects.filter(district=district, year=year).first() or EvaluationRule(
        district=district, year=year
    )
    published = any(e.published_at for e in evaluations)
    return render(
        request,
        "scoring/evaluation_branch.html",
        {
            "branch": branch,
            "year": year,
            "rows": [
                (
                    e,
                    e.ballots_favourable + e.paper_favourable,
                    e.ballots_total + e.paper_total,
                    ev.is_stale(e),
                )
                for e in evaluations
            ],
            "not_opened": not_opened,
            "rule": rule,
            "published": published,
            "published_at": evaluations[0].published_at if published else None,
            "all_graded": bool(evaluations) and all(e.grade for e in evaluations),
            "can_manage": granted.may_manage,
            "district": district,
            "can_see_rule": access.is_organiser(request.user),
            "distribution": ev.grade_distribution(evaluations),
        },
    )


def _branch_action(request: HttpRequest, pk: int, year: int, action) -> HttpResponse:
    branch = access.get_branch_for_user(request.user, pk, manage=True)
    try:
        message = action(branch)
    except ScoringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect("scoring:evaluation-branch", pk=branch.pk, year=year)


@require_POST
@login_required
def branch_open(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    def action(branch: Unit) -> str:
        created = ev.open_evaluations(branch=branch, year=year, by=request.user)
        if not created:
            return _("Every post holder already has an evaluation.")
        return _("%(count)s evaluations opened.") % {"count": len(created)}

    return _branch_action(request, pk, year, action)


@require_POST
@login_required
def branch_compute(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    def action(branch: Unit) -> str:
        result = ev.compute_branch(branch=branch, year=year, by=request.user)
        message = _("%(count)s evaluations computed.") % {"count": result.computed}
        if result.incomplete:
            message += " " + _("Without votes, so without a grade: %(names)s") % {
                "names": "、".join(result.incomplete)
            }
        return message

    return _branch_action(request, pk, year, action)


@require_POST
@login_required
def branch_publish(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    def action(branch: Unit) -> str:
        published = ev.publish_branch(branch=branch, year=year, by=request.user)
        return _("%(count)s results published; each member with a log-in was told.") % {
            "count": len(published)
        }

    return _branch_action(request, pk, year, action)


# --- one evaluation ----------------------------------------------------------------------


def _detail(request: HttpRequest, granted: EvaluationAccess, **forms) -> HttpResponse:
    """The result page; a secretary's invalid form comes back bound, with its errors."""
    evaluation = granted.evaluation
    member = evaluation.member
    is_own, can_manage, oversees = granted.is_own, granted.may_manage, granted.oversees
    published = evaluation.published_at is not None
    votes = ev.votes_by_evaluation([evaluation])[evaluation.pk]
    show_results = published or oversees
    context = {
        "evaluation": evaluation,
        "member": member,
        "is_own": is_own,
        "can_manage": can_manage,
        "oversees": oversees,
        "published": published,
        "show_results": show_results,
        "computation": ev.stored_computation(evaluation, votes) if show_results else None,
        "stale": ev.is_stale(evaluation),
        "votes": votes,
        "posts": Choice.objects.filter(
            member=member, post__year=evaluation.year, status__in=ev.HELD_STATUSES
        ).select_related("post"),
        "honours": Honour.objects.filter(member=member, year=evaluation.year),
        "sanctions": Sanction.objects.filter(member=member, year=evaluation.year).select_related(
            "choice__post"
        ),
        "can_write_report": (is_own or can_manage) and not published,
    }
    if can_manage and not published:
        context["ballots_form"] = forms.get("ballots_form") or BallotsForm(prefix="ballots")
        context["paper_form"] = forms.get("paper_form") or PaperCountsForm.for_evaluation(
            evaluation, prefix="paper"
        )
        context["assessment_form"] = forms.get("assessment_form") or AssessmentForm(
            prefix="assessment", initial={"text": evaluation.organisation_assessment}
        )
    if can_manage and published and evaluation.grade == Grade.EXCELLENT:
        context["honour_form"] = forms.get("honour_form") or HonourForm(prefix="honour")
    if can_manage and published and evaluation.grade == Grade.POOR:
        context["sanction_form"] = forms.get("sanction_form") or SanctionForm(
            prefix="sanction", member=member
        )
    return render(request, "scoring/evaluation_detail.html", context)


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_evaluation_for_user(request.user, pk))


def _no_kwargs(evaluation: Evaluation) -> dict:
    return {}


def _secretary_post(
    request: HttpRequest, pk: int, form_class, name: str, save, form_kwargs=_no_kwargs
) -> HttpResponse:
    """A secretary's form on the result page: saved, or shown again with its errors."""
    granted = get_evaluation_for_user(request.user, pk, manage=True)
    evaluation = granted.evaluation
    form = form_class(request.POST, prefix=name, **form_kwargs(evaluation))
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: correct the form below."))
        return _detail(request, granted, **{f"{name}_form": form})
    try:
        message = save(evaluation, form.cleaned_data)
    except ScoringError as error:
        messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": error})
        return _detail(request, granted, **{f"{name}_form": form})
    messages.success(request, message)
    return redirect("scoring:evaluation-detail", pk=evaluation.pk)


@require_POST
@login_required
def evaluation_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    def save(evaluation: Evaluation, data: dict) -> str:
        ev.enter_ballots(evaluation=evaluation, by=request.user, **data)
        return _("%(count)s ballots entered; compute the branch again.") % {
            "count": data["favourable"] + data["unfavourable"]
        }

    return _secretary_post(request, pk, BallotsForm, "ballots", save)


@require_POST
@login_required
def evaluation_paper(request: HttpRequest, pk: int) -> HttpResponse:
    def save(evaluation: Evaluation, data: dict) -> str:
        ev.enter_paper_counts(evaluation=evaluation, by=request.user, **data)
        return _("Paper vote counts saved; compute the branch again.")

    return _secretary_post(request, pk, PaperCountsForm, "paper", save)


@require_POST
@login_required
def evaluation_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    def save(evaluation: Evaluation, data: dict) -> str:
        ev.save_assessment(evaluation=evaluation, text=data["text"], by=request.user)
        return _("Assessment saved.")

    return _secretary_post(request, pk, AssessmentForm, "assessment", save)


@require_POST
@login_required
def evaluation_honour(request: HttpRequest, pk: int) -> HttpResponse:
    def save(evaluation: Evaluation, data: dict) -> str:
        honour = ev.award_honour(
            member=evaluation.member, year=evaluation.year, by=request.user, **data
        )
        return _("%(honour)s recorded.") % {"honour": honour.get_kind_display()}

    return _secretary_post(request, pk, HonourForm, "honour", save)


@require_POST
@login_required
def evaluation_sanction(request: HttpRequest, pk: int) -> HttpResponse:
    def save(evaluation: Evaluation, data: dict) -> str:
        sanction = ev.record_sanction(
            member=evaluation.member, year=evaluation.year, by=request.user, **data
        )
        if sanction.kind == Sanction.Kind.REMOVAL:
            return _("Removal recorded; %(name)s has left %(post)s.") % {
                "name": evaluation.member.name,
                "post": sanction.choice.post.name,
            }
        return _("Admonishment talk recorded.")

    return _secretary_post(
        request,
        pk,
        SanctionForm,
        "sanction",
        save,
        form_kwargs=lambda evaluation: {"member": evaluation.member},
    )


@login_required
def self_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The member writes their 述岗自评; the secretary may type it in from paper."""
    granted = get_evaluation_for_user(request.user, pk)
    evaluation = granted.evaluation
    clerk = not granted.is_own
    if clerk and not granted.may_manage:
        raise PermissionDenied
    if evaluation.published_at is not None:
        messages.info(request, _("The results are published; the self-report is closed."))
        return redirect("scoring:evaluation-detail", pk=evaluation.pk)
    form = SelfReportForm(
        request.POST or None, initial={"text": evaluation.self_report}, clerk=clerk
    )
    if request.method == "POST" and form.is_valid():
        try:
            ev.save_self_report(
                evaluation=evaluation, text=form.cleaned_data["text"], by=request.user
            )
        except ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Self-report saved."))
            return redirect("scoring:evaluation-detail", pk=evaluation.pk)
    return render(
        request,
        "scoring/evaluation_self_report.html",
        {"form": form, "evaluation": evaluation, "clerk": clerk},
    )


@login_required
def my_evaluation(request: HttpRequest) -> HttpResponse:
    """A member's evaluations still open (to write the self-report) and their latest
    published result; straight to that result when nothing is open."""
    member = access.member_file_of(request.user)
    if member is None:
        raise Http404
    latest = (
        Evaluation.objects.filter(member=member, published_at__isnull=False)
        .order_by("-year")
        .first()
    )
    open_now = list(
        Evaluation.objects.filter(member=member, published_at__isnull=True).order_by("-year")
    )
    if latest is not None and not open_now:
        return redirect("scoring:evaluation-detail", pk=latest.pk)
    return render(
        request,
        "scoring/evaluation_my.html",
        {"member": member, "open": open_now, "latest": latest},
    )


# --- the district's rule -------------------------------------------------------------------


@login_required
def evaluation_rules(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    granted = get_district_for_user(request.user, pk, manage=request.method == "POST")
    district = granted.district
    frozen = Evaluation.objects.filter(
        branch__path__startswith=district.path, year=year, published_at__isnull=False
    ).exists()
    if request.method == "POST" and frozen:
        messages.error(
            request, _("Results of this year are published: the rule no longer changes.")
        )
        return redirect("scoring:evaluation-rules", pk=district.pk, year=year)
    rule = EvaluationRule.objects.filter(district=district, year=year).first()
    shown = rule or EvaluationRule(district=district, year=year)
    form = EvaluationRuleForm(request.POST or None, initial=EvaluationRuleForm.initial_from(shown))
    if request.method == "POST" and form.is_valid():
        try:
            ev.set_evaluation_rule(
                district=district, year=year, by=request.user, **form.cleaned_data
            )
        except ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Evaluation rule for %(year)s saved.") % {"year": year})
            return redirect("scoring:evaluation-rules", pk=district.pk, year=year)
    return render(
        request,
        "scoring/evaluation_rules.html",
        {
            "district": district,
            "year": year,
            "rule": rule,
            "form": form,
            "can_edit": granted.may_set_rules and not frozen,
            "frozen": frozen,
        },
    )


# --- notices (考评结果通知书) -------------------------------------------------------------------


def _notices(evaluations: list[Evaluation]) -> list[dict]:
    """What each printed notice shows, read in a fixed number of queries."""
    votes = ev.votes_by_evaluation(evaluations)
    members = [e.member_id for e in evaluations]
    years = {e.year for e in evaluations}
    honours = defaultdict(list)
    for honour in Honour.objects.filter(member__in=members, year__in=years):
        honours[honour.member_id, honour.year].append(honour)
    sanctions = defaultdict(list)
    for sanction in Sanction.objects.filter(member__in=members, year__in=years).select_related(
        "choice__post"
    ):
        sanctions[sanction.member_id, sanction.year].append(sanction)
    return [
        {
            "evaluation": e,
            "computation": ev.stored_computation(e, votes[e.pk]),
            "honours": honours[e.member_id, e.year],
            "sanctions": sanctions[e.member_id, e.year],
        }
        for e in evaluations
    ]


def _notice_pdf(request: HttpRequest, evaluations: list[Evaluation], filename: str) -> HttpResponse:
    """Result notices, one page each, with the QR code of their verification page. The
    worked-out steps are worded when read: in the print language, like the template."""
    with translation.override(settings.LANGUAGE_CODE):
        notices = documents.with_verification(
            _notices(evaluations), absolute=request.build_absolute_uri
        )
        pdf = render_pdf(
            "scoring/print/evaluation_notice.html", {"notices": notices, "today": dt.date.today()}
        )
    return pdf_response(pdf, filename)


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's result notice; a result not yet published has none (404)."""
    evaluation = get_evaluation_for_user(request.user, pk).evaluation
    if evaluation.published_at is None:
        raise Http404
    return _notice_pdf(
        request,
        [evaluation],
        file_name(
            gettext_lazy("Evaluation result notice %(name)s %(year)s.pdf"),
            name=evaluation.member.name,
            year=evaluation.year,
        ),
    )


@never_cache
def verify_notice(request: HttpRequest, token: str) -> HttpResponse:
    """Public, no log-in: is this result notice genuine? Shows name, branch and year of a
    published result (grade and score to the member and overseers only); an unpublished
    one is 404."""
    evaluation = documents.published_evaluation_for_verification(token)
    status = 200 if evaluation is not None else 404
    # Anyone may learn the notice is genuine; its grade only the member and those who
    # oversee the branch (the results' limited scope).
    shows_grade = evaluation is not None and (
        (request.user.is_authenticated and evaluation.member.user_id == request.user.pk)
        or access.can_oversee(request.user, evaluation.branch)
    )
    response = render(
        request,
        "scoring/verify_notice.html",
        {"evaluation": evaluation, "shows_grade": shows_grade},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"  # reached from a QR code only
    return response


@login_required
def branch_notices_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Every published notice of the branch and year, one page each, in one PDF."""
    branch = access.get_branch_for_user(request.user, pk)
    evaluations = list(
        Evaluation.objects.filter(branch=branch, year=year, published_at__isnull=False)
        .select_related("member", "branch", "rule")
        .order_by("member__name")
    )
    if not evaluations:
        raise Http404
    return _notice_pdf(
        request,
        evaluations,
        file_name(
            gettext_lazy("Evaluation result notices %(branch)s %(year)s.pdf"),
            branch=branch.name,
            year=year,
        ),
    )


# --- results for employer units and Excel --------------------------------------------------------


def _published_in(units, year: int):
    return (
        Evaluation.objects.filter(year=year, published_at__isnull=False, branch__in=units)
        .select_related("member__employer", "branch")
        .order_by("branch__path", "member__name")
    )


def _honours_by_member(evaluations: list[Evaluation], year: int) -> dict[int, list[str]]:
    found = defaultdict(list)
    members = [e.member_id for e in evaluations]
    for honour in Honour.objects.filter(member__in=members, year=year):
        found[honour.member_id].append(honour.get_kind_display())
    for sanction in Sanction.objects.filter(member__in=members, year=year):
        found[sanction.member_id].append(sanction.get_kind_display())
    return found


@login_required
def employer_results(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Published results of in-service members (在职党员) working for a partner unit, in
    the units the user oversees, to report back to that unit."""
    access.require_overseer(request.user)
    scope = access.units_overseen(request.user)
    partner = PartnerUnit.objects.serving(scope).filter(pk=pk).first()
    if partner is None:
        raise Http404
    evaluations = list(
        _published_in(scope, year).filter(
            member__category=Member.Category.IN_SERVICE, member__employer=partner
        )
    )
    notes = _honours_by_member(evaluations, year)
    return render(
        request,
        "scoring/evaluation_employer.html",
        {
            "partner": partner,
            "year": year,
            "rows": [(e, notes[e.member_id]) for e in evaluations],
            "units": access.top_units_for_user(request.user),
        },
    )


def _group_figures(votes: ev.Votes) -> list[int]:
    """Favourable and cast, party members then residents' representatives (ballots and
    paper together; paper counts saved without a group count only in the totals)."""
    members, residents = (votes.of_group(voter) for voter in Ballot.Voter.values)
    return [members.favourable, members.total, residents.favourable, residents.total]


@login_required
def results_xlsx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Published results of a branch, town or district as Excel; ?employer=<partner>
    keeps only that unit's in-service members."""
    unit = access.get_unit_for_user(request.user, pk)
    if unit.kind == Unit.Kind.GRID:
        raise Http404
    evaluations = _published_in(Unit.objects.within(unit), year)
    employer = row_id(request.GET.get("employer"))
    if employer:
        evaluations = evaluations.filter(
            member__category=Member.Category.IN_SERVICE, member__employer_id=employer
        )
    evaluations = list(evaluations)
    notes = _honours_by_member(evaluations, year)
    votes = ev.votes_by_evaluation(evaluations)
    headers = [
        _("Branch"),
        _("Name"),
        _("Category"),
        _("Employer unit"),
        _("Points of the year"),
        _("Points score"),
        _("Party members: favourable votes"),
        _("Party members: votes cast"),
        _("Residents' representatives: favourable votes"),
        _("Residents' representatives: votes cast"),
        _("Favourable votes"),
        _("Votes cast"),
        _("Appraisal score"),
        _("Final score"),
        _("Grade"),
        _("Honours and sanctions"),
        _("Published at"),
    ]

    def number(value):
        return float(value) if value is not None else None

    rows = (
        [
            e.branch.name,
            e.member.name,
            e.member.get_category_display(),
            e.member.employer.name if e.member.employer else "",
            number(e.points_total),
            number(e.points_score),
            *_group_figures(votes[e.pk]),
            votes[e.pk].favourable,
            votes[e.pk].total,
            number(e.appraisal_score),
            number(e.final_score),
            e.get_grade_display(),
            "、".join(str(n) for n in notes[e.member_id]),
            timezone.localdate(e.published_at),
        ]
        for e in evaluations
    )
    content = rows_to_xlsx(
        headers,
        rows,
        title=_("Year-end evaluation"),
        column_widths=[16, 10, 16, 20, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 8, 20, 12],
    )
    return xlsx_response(content, f"{unit.name}-{year}-{_('Year-end evaluation')}.xlsx")


# --- published in the branch (公示) and the paper ballot -------------------------------------


def public_results(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """A branch's published year-end results. The case publishes them within a limited
    scope (在一定范围内公布): everyone sees the honours (履岗先锋, 服务之星) and how many
    members each grade holds; names with their grades only the branch's own members and
    those who oversee it, once logged in."""
    branch = get_object_or_404(Unit.objects.select_related("parent"), pk=pk, kind=Unit.Kind.BRANCH)
    published = Evaluation.objects.filter(branch=branch, year=year, published_at__isnull=False)
    may_see_names = _may_see_branch_results(request.user, branch)
    rows = (
        list(
            published.select_related("member")
            .only("year", "grade", "final_score", "published_at", "member__name")
            .order_by(F("final_score").desc(nulls_last=True), "member__name")
        )
        if may_see_names
        else []
    )
    counts = dict(published.order_by().values_list("grade").annotate(n=Count("id")))
    first = published.only("published_at").first()
    honours = list(
        Honour.objects.filter(
            year=year,
            member__branch=branch,
            kind__in=[Honour.Kind.PIONEER, Honour.Kind.SERVICE_STAR],
        )
        .select_related("member")
        .order_by("kind", "member__name")
    )
    return render(
        request,
        "scoring/public_results.html",
        {
            "branch": branch,
            "year": year,
            "rows": rows,
            "may_see_names": may_see_names,
            "grade_counts": [(grade.label, counts.get(grade.value, 0)) for grade in Grade],
            "evaluated": sum(counts.values()),
            "honours": honours,
            "published_at": first.published_at if first else None,
        },
    )


def _may_see_branch_results(user, branch: Unit) -> bool:
    """Names and grades: the branch's own members and its overseers, logged in."""
    if not user.is_authenticated:
        return False
    if access.can_oversee(user, branch):
        return True
    member = access.member_file_of(user)
    return member is not None and member.branch_id == branch.pk


MAX_BALLOT_COPIES = 300


@login_required
def ballot_sheets(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Paper ballots (评议票) for the branch's appraisal meeting: `?copies=N` sheets, each
    listing every member being evaluated with their posts."""
    branch = access.get_branch_for_user(request.user, pk)
    board = redirect("scoring:evaluation-branch", pk=branch.pk, year=year)
    copies = request.GET.get("copies", "1").strip()
    if not (copies.isascii() and copies.isdigit()) or not 1 <= int(copies) <= MAX_BALLOT_COPIES:
        messages.error(
            request,
            _("Print between 1 and %(most)s copies of the ballot.") % {"most": MAX_BALLOT_COPIES},
        )
        return board
    evaluations = list(
        Evaluation.objects.filter(branch=branch, year=year)
        .select_related("member")
        .order_by("member__name")
    )
    if not evaluations:
        messages.error(
            request, _("Open the evaluation first: the ballot lists the members being evaluated.")
        )
        return board
    posts = defaultdict(list)
    held = Choice.objects.filter(
        member__in=[e.member_id for e in evaluations],
        post__branch=branch,
        post__year=year,
        status__in=ev.HELD_STATUSES,
    ).order_by("post__name")
    for member_id, name in held.values_list("member_id", "post__name"):
        posts[member_id].append(name)
    for evaluation in evaluations:
        evaluation.posts = posts[evaluation.member_id]
    pdf = render_pdf(
        "scoring/print/ballot_sheet.html",
        {
            "branch": branch,
            "year": year,
            "evaluations": evaluations,
            "copies": range(1, int(copies) + 1),
        },
    )
    return pdf_response(
        pdf,
        file_name(gettext_lazy("Ballots %(branch)s %(year)s.pdf"), branch=branch.name, year=year),
    )
