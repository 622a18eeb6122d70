"""A user's own addresses for notices: an e-mail address and a mobile number, each
confirmed by a six-digit code sent to it before notices go there. Until confirmed, the
new address waits in NoticeContact and the old one (if any) stays in use."""

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import channels, texts
from inbox.models import NoticeContact
from volunteer.phones import normalise_mobile

CODE_MINUTES = 30
MAX_TRIES = 5


class ContactError(ValueError):
    """Refused, with a message for the user."""


def contact_of(user) -> NoticeContact:
    contact, _created = NoticeContact.objects.get_or_create(user=user)
    return contact


def _digest(user_id: int, code: str) -> str:
    key = hashlib.sha256(("notice-contact:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def clean_mobile(raw: str) -> str:
    mobile = normalise_mobile(raw)
    if not mobile:
        raise ContactError(_("Enter an 11-digit mobile number, e.g. 13800001234."))
    return mobile


def clean_email(raw: str) -> str:
    address = (raw or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ContactError(_("Enter a valid e-mail address.")) from None
    return address


@transaction.atomic
def start_confirmation(user, *, kind: str, value: str) -> NoticeContact:
    """Send a code to the new address; it is used once the code comes back."""
    value = clean_email(value) if kind == NoticeContact.Kind.EMAIL else clean_mobile(value)
    contact = NoticeContact.objects.select_for_update().get(pk=contact_of(user).pk)
    code = f"{secrets.randbelow(1_000_000):06d}"
    contact.pending_kind = kind
    contact.pending_value = value
    contact.pending_digest = _digest(user.pk, code)
    contact.pending_expires_at = timezone.now() + dt.timedelta(minutes=CODE_MINUTES)
    contact.pending_attempts = 0
    contact.save()
    message = _("Your confirmation code is %(code)s (valid for %(minutes)s minutes).") % {
        "code": code,
        "minutes": CODE_MINUTES,
    }
    if kind == NoticeContact.Kind.EMAIL:
        subject = _("Confirm your e-mail address")

        def send() -> None:
            try:
                send_mail(subject, message, None, [value])
            except Exception:
                channels.logger.exception("Could not e-mail a confirmation code to %s", value)

        transaction.on_commit(send)
    else:
        texts.queue_text(value, channels.text_for(message, ""))
    return contact


def confirm(user, *, code: str) -> str:
    """Check the code; on success the new address is in use. Returns the kind confirmed.
    A wrong code counts (and is kept counted) towards MAX_TRIES."""
    with transaction.atomic():
        contact = NoticeContact.objects.select_for_update().get(pk=contact_of(user).pk)
        problem = _code_problem(contact, user, code)
        if problem is None:
            kind = contact.pending_kind
            if kind == NoticeContact.Kind.EMAIL:
                user.email = contact.pending_value
                user.save(update_fields=["email"])
            else:
                contact.mobile = contact.pending_value
                contact.mobile_confirmed_at = timezone.now()
            contact.pending_kind = contact.pending_value = contact.pending_digest = ""
            contact.pending_expires_at = None
            contact.pending_attempts = 0
            contact.save()
            return kind
    raise ContactError(problem)


def _code_problem(contact: NoticeContact, user, code: str) -> str | None:
    if not contact.pending_kind:
        return _("There is nothing waiting for a code.")
    if contact.pending_expires_at <= timezone.now() or contact.pending_attempts >= MAX_TRIES:
        return _("This code has expired: ask for a new one.")
    given = re.sub(r"\s", "", code or "")
    if not hmac.compare_digest(_digest(user.pk, given), contact.pending_digest):
        contact.pending_attempts += 1
        contact.save(update_fields=["pending_attempts"])
        return _("This code is not right.")
    return None


@transaction.atomic
def remove(user, *, kind: str) -> None:
    """Stop notices going to the e-mail address or mobile (the inbox always stays)."""
    if kind == NoticeContact.Kind.EMAIL:
        user.email = ""
        user.save(update_fields=["email"])
    else:
        contact = contact_of(user)
        contact.mobile = ""
        contact.mobile_confirmed_at = None
        contact.save(update_fields=["mobile", "mobile_confirmed_at"])
