import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members import access as member_access
from members.forms import ExemptionForm
from members.models import Member
from posts import access, services
from posts.forms import (
    DutyItemForm,
    GuidanceForm,
    InstructorForm,
    NewDutyItemForm,
    PledgeForm,
    PostForm,
    PostTypeForm,
    ReasonForm,
    RecommendationForm,
    ReviewForm,
)
from posts.models import Choice, GuidanceNote, Pledge, PledgeVersion, Post, PostType
from volunteer.history import change_log
from volunteer.urls_util import row_id, row_ids, year_param

# --- town: common post types and duty menus --------------------------------------------


@login_required
def type_list(request: HttpRequest, pk: int) -> HttpResponse:
    town = access.get_town_for_user(request.user, pk)
    types = PostType.objects.filter(town=town).prefetch_related("menu_items")
    return render(
        request,
        "posts/type_list.html",
        {
            "town": town,
            "types": types,
            "can_manage": access.can_manage_town_types(request.user, town),
        },
    )


@login_required
def type_add(request: HttpRequest, pk: int) -> HttpResponse:
    town = access.get_town_for_user(request.user, pk, manage=True)
    form = PostTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post_type = services.save_post_type(form, town=town, by=request.user)
        messages.success(
            request,
            _("Post type %(name)s added; now fill its duty menu.") % {"name": post_type.name},
        )
        return redirect("posts:type-detail", pk=post_type.pk)
    return render(request, "posts/type_form.html", {"form": form, "town": town})


@login_required
def type_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post_type = access.get_post_type_for_user(request.user, pk)
    can_manage = access.can_manage_town_types(request.user, post_type.town)
    form = NewDutyItemForm(request.POST or None)
    if request.method == "POST":
        access.get_post_type_for_user(request.user, pk, manage=True)
        if form.is_valid():
            services.add_duty_item(post_type=post_type, by=request.user, **form.cleaned_data)
            messages.success(request, _("Item added to the duty menu."))
            return redirect("posts:type-detail", pk=post_type.pk)
    return render(
        request,
        "posts/type_detail.html",
        {
            "post_type": post_type,
            "items": post_type.menu_items.all(),
            "form": form,
            "can_manage": can_manage,
            "log": change_log(post_type),
        },
    )


@login_required
def type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post_type = access.get_post_type_for_user(request.user, pk, manage=True)
    form = PostTypeForm(request.POST or None, instance=post_type)
    if request.method == "POST" and form.is_valid():
        services.save_post_type(form, town=post_type.town, by=request.user)
        messages.success(request, _("Post type saved."))
        return redirect("posts:type-detail", pk=post_type.pk)
    return render(
        request,
        "posts/type_form.html",
        {"form": form, "town": post_type.town, "post_type": post_type},
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_duty_item_for_user(request.user, pk)
    form = DutyItemForm(request.POST or None, instance=item)
    back = (
        ("posts:type-detail", item.post_type_id)
        if item.post_type_id
        else ("posts:post-detail", item.post_id)
    )
    if request.method == "POST" and form.is_valid():
        services.save_duty_item(form, by=request.user)
        messages.success(request, _("Menu item saved."))
        return redirect(back[0], pk=back[1])
    return render(request, "posts/item_form.html", {"form": form, "item": item, "back": back})


# --- branch: posts -------------------------------------------------------------------------


@login_required
def post_list(request: HttpRequest, pk: int) -> HttpResponse:
    granted = member_access.get_branch_access(request.user, pk)
    branch = granted.branch
    year = year_param(request)
    posts = (
        Post.objects.filter(branch=branch, year=year)
        .select_related("post_type", "instructor")
        .with_holders()
        .order_by("name")
    )
    choices = Choice.objects.filter(post__branch=branch, post__year=year)
    return render(
        request,
        "posts/post_list.html",
        {
            "branch": branch,
            "year": year,
            "posts": posts,
            "coverage": services.coverage(Member.objects.filter(branch=branch), choices),
            "pending": choices.pending().count(),
            "can_manage": granted.may_manage,
            "previous_year_posts": Post.objects.filter(
                branch=branch, year=year - 1, is_active=True
            ).count()
            if granted.may_manage and not posts
            else 0,
        },
    )


@require_POST
@login_required
def post_instructor(request: HttpRequest, pk: int) -> HttpResponse:
    """Town and district organisers name a post's instructor (the secretary may too, on
    the post's form)."""
    granted = access.get_post_access(request.user, pk)
    post = granted.post
    if not (granted.may_manage or member_access.can_organise(request.user, post.branch)):
        raise PermissionDenied
    form = InstructorForm(request.POST, branch=post.branch)
    if form.is_valid():
        services.set_instructor(
            post=post, instructor=form.cleaned_data["instructor"], by=request.user
        )
        messages.success(request, _("The instructor of %(post)s is saved.") % {"post": post.name})
    else:
        messages.error(request, _("Choose one of the instructors named for this branch or town."))
    return redirect("posts:post-detail", pk=post.pk)


@login_required
def instructing(request: HttpRequest) -> HttpResponse:
    """A post instructor's page: their posts of the year, each holder with their
    pledge, its fulfilment, and the guidance written so far."""
    year = year_param(request)
    posts = list(
        Post.objects.filter(instructor=request.user, year=year)
        .select_related("branch")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=Choice.objects.confirmed()
                .select_related("member", "pledge")
                .prefetch_related(
                    Prefetch("guidance", queryset=GuidanceNote.objects.select_related("written_by"))
                )
                .order_by("member__name"),
                to_attr="holders",
            )
        )
        .order_by("branch__code", "name")
    )
    if not posts and not Post.objects.filter(instructor=request.user).exists():
        raise Http404
    return render(
        request,
        "posts/instructing.html",
        {"posts": posts, "year": year, "form": GuidanceForm()},
    )


@require_POST
@login_required
def guidance_add(request: HttpRequest, pk: int) -> HttpResponse:
    choice = get_object_or_404(
        Choice.objects.select_related("post", "member"), pk=pk, post__instructor=request.user
    )
    form = GuidanceForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Nothing was saved: write the guidance (at most 1000 characters).")
        )
    else:
        try:
            services.write_guidance(choice=choice, text=form.cleaned_data["text"], by=request.user)
        except services.PostsError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Guidance for %(name)s saved.") % {"name": choice.member.name}
            )
    return redirect(f"{reverse('posts:instructing')}?year={choice.post.year}#holder-{choice.pk}")


@login_required
def member_exempt(request: HttpRequest, pk: int) -> HttpResponse:
    """Exempt a member from choosing a post (暂不择岗): the page names the posts they hold,
    which the exemption ends."""
    member = member_access.get_member_for_user(request.user, pk, manage=True)
    form = ExemptionForm(request.POST or None, initial={"reason": member.exemption_reason})
    held = list(services.held_posts(member))
    if request.method == "POST" and form.is_valid():
        ended = services.exempt_from_posts(
            member=member, reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(
            request,
            ngettext(
                "%(name)s is exempt from choosing a post and no longer counts in coverage; "
                "%(count)s post was ended.",
                "%(name)s is exempt from choosing a post and no longer counts in coverage; "
                "%(count)s posts were ended.",
                len(ended),
            )
            % {"name": member.name, "count": len(ended)},
        )
        return redirect("members:member-detail", pk=member.pk)
    return render(
        request, "members/member_exempt.html", {"form": form, "member": member, "held": held}
    )


@require_POST
@login_required
def start_year(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary starts a year from the year before's posts (see services.start_year)."""
    branch = member_access.get_branch_for_user(request.user, pk, manage=True)
    year = request.POST.get("year", "")
    if not (year.isdigit() and len(year) == 4 and 2000 < int(year) < 2100):
        messages.error(request, _("Choose the year to start."))
        return redirect("posts:post-list", pk=branch.pk)
    try:
        started = services.start_year(branch=branch, year=int(year), by=request.user)
    except services.PostsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "%(year)s started: %(posts)s posts set up again; %(invited)s holders of last "
                "year are recommended to continue: confirm them under choices. %(exempt)s "
                "exempt members stay exempt: review them on their files."
            )
            % {
                "year": year,
                "posts": len(started.posts),
                "invited": started.invited,
                "exempt": len(started.exempt),
            },
        )
    return redirect(f"{reverse('posts:post-list', args=[branch.pk])}?year={year}")


@login_required
def post_add(request: HttpRequest, pk: int) -> HttpResponse:
    branch = member_access.get_branch_for_user(request.user, pk, manage=True)
    form = PostForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        post = services.save_post(form, branch=branch, by=request.user)
        messages.success(request, _("Post %(name)s set up.") % {"name": post.name})
        return redirect("posts:post-detail", pk=post.pk)
    return render(request, "posts/post_form.html", {"form": form, "branch": branch})


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = access.get_post_for_user(request.user, pk, manage=True)
    form = PostForm(request.POST or None, instance=post, branch=post.branch)
    if request.method == "POST" and form.is_valid():
        services.save_post(form, branch=post.branch, by=request.user)
        messages.success(request, _("Post saved."))
        return redirect("posts:post-detail", pk=post.pk)
    return render(
        request, "posts/post_form.html", {"form": form, "branch": post.branch, "post": post}
    )


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_post_access(request.user, pk, manage=request.method == "POST")
    post, can_manage = granted.post, granted.may_manage
    form = NewDutyItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_duty_item(post=post, by=request.user, **form.cleaned_data)
        messages.success(request, _("Item added to this post's menu."))
        return redirect("posts:post-detail", pk=post.pk)
    choices = post.choices.select_related("member", "pledge").order_by("status", "member__name")
    member = member_access.member_file_of(request.user)
    return render(
        request,
        "posts/post_detail.html",
        {
            "post": post,
            "menu": post.menu(),
            "choices": choices if granted.oversees or can_manage else [],
            "seats_left": services.seats_left(post),
            "can_manage": can_manage,
            "can_apply": member is not None
            and member.branch_id == post.branch_id
            and not member.is_exempt,
            "form": form,
            # The post's own management history is the branch's business, not its
            # members': a member reads the history of their choice and pledge instead.
            "log": change_log(post) if granted.oversees or can_manage else [],
            "instructor_form": InstructorForm(
                branch=post.branch, initial={"instructor": post.instructor_id}
            )
            if member_access.can_organise(request.user, post.branch)
            else None,
            "oversees": granted.oversees or can_manage,
        },
    )


# --- choices (择岗) ---------------------------------------------------------------------


@require_POST
@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    post = access.get_post_for_user(request.user, pk)
    member = member_access.member_file_of(request.user)
    if member is None or member.branch_id != post.branch_id:
        raise Http404
    try:
        services.apply_for_post(member=member, post=post, by=request.user)
    except services.PostsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You applied for %(post)s. The branch will confirm it.") % {"post": post.name},
        )
    return redirect("posts:my-posts")


@login_required
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    post = access.get_post_for_user(request.user, pk, manage=True)
    form = RecommendationForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommend_member(post=post, by=request.user, **form.cleaned_data)
        except services.PostsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Recommendation recorded; confirm it when ready."))
            return redirect("posts:choice-list", pk=post.branch_id)
    return render(request, "posts/recommend_form.html", {"form": form, "post": post})


@login_required
def choice_list(request: HttpRequest, pk: int) -> HttpResponse:
    granted = member_access.get_branch_access(request.user, pk)
    branch = granted.branch
    choices = (
        Choice.objects.filter(post__branch=branch)
        .pending()
        .select_related("post", "member")
        .order_by("post__name", "created_at")
    )
    # Right after confirming: the new holder's post certificate is one tap away.
    confirmed = row_id(request.GET.get("confirmed"))
    just_confirmed = (
        Choice.objects.confirmed()
        .filter(pk=confirmed, post__branch=branch)
        .select_related("post", "member")
        .first()
        if confirmed and granted.may_manage
        else None
    )
    return render(
        request,
        "posts/choice_list.html",
        {
            "branch": branch,
            "choices": choices,
            "can_manage": granted.may_manage,
            "just_confirmed": just_confirmed,
        },
    )


@require_POST
@login_required
def choice_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    choice = access.get_choice_for_user(request.user, pk, manage=True)
    try:
        services.confirm_choice(choice=choice, by=request.user)
    except services.PostsError as error:
        messages.error(request, str(error))
        return redirect("posts:choice-list", pk=choice.post.branch_id)
    url = reverse("posts:choice-list", args=[choice.post.branch_id])
    return redirect(f"{url}?confirmed={choice.pk}")


@login_required
def choice_decline(request: HttpRequest, pk: int) -> HttpResponse:
    choice = access.get_choice_for_user(request.user, pk, manage=True)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            choice = services.decline_choice(
                choice=choice, reason=form.cleaned_data["reason"], by=request.user
            )
        except services.PostsError as error:
            form.add_error(None, str(error))
        else:
            if not choice.reach.reached:
                return redirect("posts:choice-notice", pk=choice.pk)
            messages.success(
                request,
                _("The choice was declined; %(name)s was told why by %(how)s.")
                % {"name": choice.member.name, "how": choice.reach.describe()},
            )
            return redirect("posts:choice-list", pk=choice.post.branch_id)
    return render(request, "posts/choice_decline.html", {"form": form, "choice": choice})


@require_POST
@login_required
def choice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    choice = access.get_choice_for_user(request.user, pk, own=True)
    try:
        services.withdraw_choice(choice=choice, by=request.user)
    except services.PostsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("posts:my-posts")


@login_required
def my_posts(request: HttpRequest) -> HttpResponse:
    """A member's page: posts held, applications, pledges, and posts open to apply for."""
    member = member_access.member_file_of(request.user)
    if member is None:
        raise Http404
    year = dt.date.today().year
    choices = member.choices.select_related("post", "pledge").order_by("-created_at")
    taken = {c.post_id for c in choices if c.status in Choice.OPEN_STATUSES}
    open_posts = [
        post
        for post in Post.objects.filter(branch=member.branch, year=year)
        .open()
        .with_holders()
        .order_by("name")
        if post.pk not in taken and post.holders_count < post.seats
    ]
    return render(
        request,
        "posts/my_posts.html",
        {"member": member, "choices": choices, "open_posts": open_posts, "year": year},
    )


# --- pledges (亮岗) ---------------------------------------------------------------------


@login_required
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.get_pledge_for_user(request.user, pk)
    pledge = granted.pledge
    versions = list(
        pledge.versions.select_related("written_by", "reviewed_by").prefetch_related(
            "items__duty_item"
        )
    )
    history = [
        (version, services.version_changes(previous, version))
        for previous, version in zip([None, *versions], versions, strict=False)
    ]
    return render(
        request,
        "posts/pledge_detail.html",
        {
            "pledge": pledge,
            "current": versions[-1] if versions else None,
            "history": list(reversed(history)),
            "granted": granted,
            "review_form": ReviewForm(),
            "log": change_log(pledge),
            "choice_log": change_log(pledge.choice),
            "guidance": pledge.choice.guidance.select_related("written_by"),
        },
    )


@login_required
def pledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = access.get_pledge_for_user(request.user, pk, write=True).pledge
    current = pledge.current_version()
    # What the reviewer asked for, beside the form that answers it.
    returned = (
        current
        if current is not None and current.decision == PledgeVersion.Decision.RETURNED
        else None
    )
    items = {i.duty_item_id: i.commitment for i in current.items.all()} if current else {}
    clerk = pledge.choice.member.user_id != request.user.pk
    form = PledgeForm(
        request.POST or None,
        menu=pledge.choice.post.menu(),
        current=items,
        based_on=pledge.version_count,
        clerk=clerk,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.write_pledge(
                pledge=pledge,
                lines=form.lines(),
                based_on=form.cleaned_data["based_on"],
                on_paper=form.cleaned_data.get("on_paper", False),
                by=request.user,
            )
        except services.PostsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Pledge saved and sent to the branch for review."))
            if form.ticked:
                messages.info(
                    request,
                    ngettext(
                        "%(items)s was ticked: you wrote a commitment for it.",
                        "%(items)s were ticked: you wrote a commitment for each.",
                        len(form.ticked),
                    )
                    % {"items": "、".join(item.name for item in form.ticked)},
                )
            return redirect("posts:pledge-detail", pk=pledge.pk)
    return render(
        request,
        "posts/pledge_form.html",
        {"form": form, "pledge": pledge, "clerk": clerk, "returned": returned},
    )


@require_POST
@login_required
def pledge_review(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = access.get_pledge_for_user(request.user, pk, review=True).pledge
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if request.POST.get("decision") == "approve":
            services.approve_pledge(pledge=pledge, comment=comment, by=request.user)
            messages.success(request, _("Pledge approved; an organiser will publish it."))
        else:
            pledge = services.return_pledge(pledge=pledge, comment=comment, by=request.user)
            if not pledge.reach.reached:
                return redirect("posts:pledge-notice", pk=pledge.pk)
            messages.success(
                request,
                _("Pledge returned; %(name)s was sent your comments by %(how)s.")
                % {"name": pledge.choice.member.name, "how": pledge.reach.describe()},
            )
    except services.PostsError as error:
        messages.error(request, str(error))
    return redirect("posts:pledge-detail", pk=pledge.pk)


@login_required
def pledge_list(request: HttpRequest, pk: int) -> HttpResponse:
    branch = member_access.get_branch_for_user(request.user, pk)
    year = year_param(request)
    every = Pledge.objects.filter(choice__post__branch=branch, choice__post__year=year)
    waiting = every.filter(status=Pledge.Status.SUBMITTED)
    waiting_count = waiting.count()
    # Opens on what waits for review, the longest waiting first; "all" shows every pledge.
    show_all = request.GET.get("show") == "all" or not waiting_count
    if show_all:
        pledges = every.order_by("status", "choice__member__name")
    else:
        pledges = waiting.annotate(sent_at=Max("versions__written_at")).order_by("sent_at", "pk")
    return render(
        request,
        "posts/pledge_list.html",
        {
            "branch": branch,
            "pledges": pledges.select_related("choice__post", "choice__member"),
            "year": year,
            "show_all": show_all,
            "waiting_count": waiting_count,
        },
    )


@login_required
def publish_queue(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers publish approved pledges of their units in bulk."""
    granted = member_access.get_unit_access(request.user, pk)
    if not granted.may_organise:
        raise Http404
    unit = granted.unit
    waiting = (
        Pledge.objects.in_unit(unit)
        .awaiting_publication()
        .select_related("choice__post__branch", "choice__member")
        .order_by("choice__post__branch__path", "choice__member__name")
    )
    if request.method == "POST":
        chosen = waiting.filter(pk__in=row_ids(request.POST.getlist("pledge")))
        count = services.publish_pledges(pledges=list(chosen), by=request.user)
        if count:
            messages.success(
                request, _("%(count)s pledges published on the notice boards.") % {"count": count}
            )
        else:
            messages.error(request, _("Tick the pledges to publish."))
        return redirect("posts:publish-queue", pk=unit.pk)
    return render(request, "posts/publish_queue.html", {"unit": unit, "waiting": waiting})
