from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inbox import channels, contacts, display, services
from inbox.models import NoticeContact, Notification

NOTIFICATIONS_PER_PAGE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "inbox/notification_list.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a message reads it, then goes where it points (or shows it, if nowhere).
    Someone else's message answers 404."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.mark_read(notification=notification)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, None):
        return redirect(notification.link)
    return render(request, "inbox/notification_detail.html", {"notification": notification})


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    if services.mark_all_read(user=request.user):
        messages.success(request, _("All messages marked as read."))
    return redirect("inbox:list")


@login_required
def contact(request: HttpRequest) -> HttpResponse:
    """Where my notices go: my e-mail address and my mobile, each confirmed by a code."""
    user = request.user
    record = contacts.contact_of(user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        kind = request.POST.get("kind", "")
        if kind not in NoticeContact.Kind.values:
            messages.error(request, _("Choose e-mail or mobile."))
            return redirect("inbox:contact")
        try:
            if action == "send":
                contacts.start_confirmation(user, kind=kind, value=request.POST.get("value", ""))
                messages.info(request, _("A code was sent. Type it below to confirm."))
            elif action == "confirm":
                contacts.confirm(user, code=request.POST.get("code", ""))
                messages.success(request, _("Confirmed: notices will also go there."))
            elif action == "remove":
                contacts.remove(user, kind=kind)
                messages.success(request, _("Removed: notices no longer go there."))
        except contacts.ContactError as refusal:
            # Shown again with what was typed, so nothing needs typing twice.
            messages.error(request, str(refusal))
            record = contacts.contact_of(user)
            typed = {kind: request.POST.get("value", "")[:254]}
            return render(request, "inbox/contact.html", _contact_context(user, record, typed))
        return redirect("inbox:contact")
    return render(request, "inbox/contact.html", _contact_context(user, record, {}))


def _contact_context(user, record: NoticeContact, typed: dict) -> dict:
    return {
        "record": record,
        "notice_mobile": channels.notice_mobile(user),
        "typed_email": typed.get("email", ""),
        "typed_mobile": typed.get("mobile", ""),
    }


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """The header's large-text switch (大字版), for everyone, logged in or not: back to the
    page it was pressed on."""
    display.choose(request, large=request.POST.get("large_text") == "1")
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)  # a path, never taken for a view's name
    return redirect("home" if request.user.is_authenticated else "login")
