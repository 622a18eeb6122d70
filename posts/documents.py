"""Printed documents of steps 2–3 and their public verification.

The post certificate (党员岗位证, card size) and the pledge certificate (择岗承诺书, A4,
one version of a pledge) are built here from the database, then rendered by the shared
print layer (volunteer.pdf). The same templates serve one document and a branch's whole
batch: a batch is one PDF with one `.page` group per document.

Each document carries a QR code with the absolute URL of its public verification page.
The pages say whether the document is genuine and still valid; the rules for that are
`post_certificate_status` and `pledge_version_status` below, and the printed documents
use the same rules to stamp a version that is not (or no longer) valid.

Printed documents are official Chinese forms (the print base says lang="zh-Hans" and
picks the Simplified Chinese faces), so they are always rendered in the site's default
language, whatever language the person printing has chosen for the web pages.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Member, Unit
from posts.models import Choice, Pledge, PledgeItem, PledgeVersion, Post
from volunteer.pdf import render_pdf
from volunteer.qr import qr_svg_data_uri
from volunteer.verification import Absolute, Verdict

POST_CERTIFICATE_TEMPLATE = "posts/print/post_certificate.html"
PLEDGE_FORM_TEMPLATE = "posts/print/pledge_form.html"
# Rows for commitments beyond the duty menu on the blank pledge form.
PLEDGE_FORM_SPARE_ROWS = 2
PLEDGE_CERTIFICATE_TEMPLATE = "posts/print/pledge_certificate.html"

# --- the issuing committee of a red-header document (红头) -------------------------------

# What a branch's name may end with, and the committee it then signs as.
_COMMITTEE_OF = [
    ("党总支", _("CPC %(unit)s General Branch Committee")),
    ("党支部", _("CPC %(unit)s Branch Committee")),
    ("党委", _("CPC %(unit)s Committee")),
]


def issuing_committee(unit: Unit) -> str:
    """The party committee a unit's notices are issued by, as a red header names it:
    "中共秦望村委员会"; a name that says the organisation's level keeps it ("秦望村党支部"
    signs as "中共秦望村支部委员会")."""
    for ending, committee in _COMMITTEE_OF:
        if unit.name.endswith(ending) and len(unit.name) > len(ending):
            return str(committee) % {"unit": unit.name.removesuffix(ending)}
    return str(_("CPC %(unit)s Committee")) % {"unit": unit.name}


# --- post certificates (党员岗位证) -------------------------------------------------------


def post_certificate_status(choice: Choice) -> Verdict:
    """A post certificate is valid while its choice stays confirmed."""
    status = Choice.Status
    if choice.status == status.CONFIRMED:
        return Verdict("valid", True, _("Genuine and valid: the member holds this post."))
    if choice.status == status.ENDED:
        return Verdict(
            "ended", False, _("Genuine, but no longer valid: the member has left the post.")
        )
    if choice.status == status.DECLINED:
        return Verdict("declined", False, _("Not valid: the branch declined this choice of post."))
    if choice.status == status.WITHDRAWN:
        return Verdict("withdrawn", False, _("Not valid: the application was withdrawn."))
    return Verdict("pending", False, _("Not valid yet: the branch has not confirmed this choice."))


def verify_post_path(choice: Choice) -> str:
    return reverse("posts:verify-post", kwargs={"code": choice.verify_code})


def choice_for_verification(code: str) -> Choice | None:
    return Choice.objects.select_related("member", "post__branch").filter(verify_code=code).first()


@dataclass(frozen=True)
class PostCertificate:
    choice: Choice
    verify_url: str
    qr: str

    @property
    def member(self):
        return self.choice.member

    @property
    def post(self):
        return self.choice.post


def post_certificate(choice: Choice, *, absolute: Absolute) -> PostCertificate:
    """The card of a confirmed choice; `choice` needs member and post__branch loaded."""
    url = absolute(verify_post_path(choice))
    return PostCertificate(choice=choice, verify_url=url, qr=qr_svg_data_uri(url, width_mm=19))


def render_post_certificates(cards: list[PostCertificate]) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(POST_CERTIFICATE_TEMPLATE, {"cards": cards})


# --- pledge certificates (择岗承诺书) -----------------------------------------------------


def _superseded(number: int) -> str:
    return gettext("No longer valid: superseded by version %(number)s.") % {"number": number}


# Lazy like the other messages, so that it comes out in the language it is rendered in.
_superseded_message = lazy(_superseded, str)


def pledge_version_status(pledge: Pledge, version: PledgeVersion, versions) -> Verdict:
    """How a version of a pledge stands; `versions` are all the pledge's versions.

    Valid: the published version, until a newer one is published (the board still shows
    it meanwhile), and an approved one waiting for publication. Not valid: a version
    under review, one returned for changes, one superseded by a newer published version
    (or, not itself published, by a newer approved one), and every version of a pledge
    that was withdrawn or whose post the member no longer holds.
    """
    if pledge.status == Pledge.Status.WITHDRAWN or pledge.choice.status != Choice.Status.CONFIRMED:
        return Verdict("withdrawn", False, _("No longer valid: this pledge was withdrawn."))
    if version.decision == PledgeVersion.Decision.RETURNED:
        return Verdict("returned", False, _("Not valid: this version was returned for changes."))
    newer = [
        other.number
        for other in versions
        if other.number > version.number
        and (
            other.pk == pledge.published_version_id
            or (
                other.decision == PledgeVersion.Decision.APPROVED
                and version.pk != pledge.published_version_id
            )
        )
    ]
    if newer:
        number = max(newer)
        return Verdict("superseded", False, _superseded_message(number), superseded_by=number)
    if version.pk == pledge.published_version_id:
        return Verdict("published", True, _("Genuine and valid: current and published."))
    if version.decision == PledgeVersion.Decision.APPROVED:
        return Verdict("approved", True, _("Genuine and valid: approved, awaiting publication."))
    return Verdict("under_review", False, _("Under review: not valid yet."))


def certificate_version(versions: list[PledgeVersion], number: int | None = None):
    """The version to print: version `number` if given (None if there is no such
    version); else the newest approved version (the published one, unless a newer one
    was approved since, which supersedes it); else the newest version, which then
    prints stamped as not reviewed. `versions` are in ascending order."""
    if number is not None:
        return next((v for v in versions if v.number == number), None)
    approved = [v for v in versions if v.decision == PledgeVersion.Decision.APPROVED]
    if approved:
        return approved[-1]
    return versions[-1] if versions else None


def verify_pledge_path(pledge: Pledge, number: int) -> str:
    return reverse("posts:verify-pledge", kwargs={"code": pledge.verify_code, "version": number})


def _versions_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=PledgeVersion.objects.select_related("reviewed_by")
        .prefetch_related(
            Prefetch("items", queryset=PledgeItem.objects.select_related("duty_item"))
        )
        .order_by("number"),
    )


def pledge_for_verification(code: str) -> Pledge | None:
    return (
        Pledge.objects.select_related("choice__member", "choice__post__branch")
        .prefetch_related(_versions_prefetch())
        .filter(verify_code=code)
        .first()
    )


@dataclass(frozen=True)
class PledgeCertificate:
    pledge: Pledge
    version: PledgeVersion
    status: Verdict
    verify_url: str
    qr: str

    @property
    def choice(self) -> Choice:
        return self.pledge.choice

    @property
    def member(self):
        return self.pledge.choice.member

    @property
    def post(self):
        return self.pledge.choice.post

    @property
    def items(self) -> list[PledgeItem]:
        return list(self.version.items.all())


def _pledge_certificate(pledge: Pledge, version: PledgeVersion, *, absolute: Absolute):
    versions = list(pledge.versions.all())
    url = absolute(verify_pledge_path(pledge, version.number))
    return PledgeCertificate(
        pledge=pledge,
        version=version,
        status=pledge_version_status(pledge, version, versions),
        verify_url=url,
        qr=qr_svg_data_uri(url, width_mm=24),
    )


def pledge_certificate(
    pledge: Pledge, *, number: int | None = None, absolute: Absolute
) -> PledgeCertificate | None:
    """The certificate of one pledge (see `certificate_version` for which version), or
    None if the pledge has no such version. `pledge` comes with choice__member and
    choice__post__branch loaded (posts.access.get_pledge_for_user does that)."""
    prefetch_related_objects([pledge], _versions_prefetch())
    version = certificate_version(list(pledge.versions.all()), number)
    if version is None:
        return None
    return _pledge_certificate(pledge, version, absolute=absolute)


def printable_pledges(branch: Unit, year: int):
    """A branch's pledges of a year that print in its batch: those with an approved
    version, which is valid (see `pledge_version_status`) until a newer one is approved.
    So an approved or published pledge prints, and so does one whose revision is under
    review or was returned (its approved version still stands); a pledge never approved
    (draft, submitted, returned), a withdrawn one or one whose post is no longer held
    does not. Ordered by member, then post; versions and their items prefetched, so the
    number of queries does not grow with the pledges."""
    approved = PledgeVersion.objects.filter(
        pledge=OuterRef("pk"), decision=PledgeVersion.Decision.APPROVED
    )
    return (
        Pledge.objects.filter(
            Exists(approved),
            choice__post__branch=branch,
            choice__post__year=year,
            choice__status=Choice.Status.CONFIRMED,
        )
        .exclude(status=Pledge.Status.WITHDRAWN)
        .select_related("choice__member", "choice__post__branch__parent")
        .prefetch_related(_versions_prefetch())
        .order_by("choice__member__name", "choice__post__name", "pk")
    )


def branch_pledge_certificates(
    branch: Unit, year: int, *, absolute: Absolute
) -> list[PledgeCertificate]:
    """The batch of a branch's year: one certificate per printable pledge, each of its
    newest approved version."""
    certificates = []
    for pledge in printable_pledges(branch, year):
        version = certificate_version(list(pledge.versions.all()))
        if version is not None:
            certificates.append(_pledge_certificate(pledge, version, absolute=absolute))
    return certificates


def pledge_certificates_context(
    certificates: Iterable[PledgeCertificate], *, branch: Unit | None = None, year=None
) -> dict:
    return {
        "certificates": list(certificates),
        "branch": branch,
        "year": year,
        "printed_on": timezone.localdate(),
    }


def pledge_certificates_html(context: dict) -> str:
    """The HTML the PDF is laid out from (the benchmark compares against it)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(PLEDGE_CERTIFICATE_TEMPLATE, context)


def render_pledge_certificates(context: dict) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(PLEDGE_CERTIFICATE_TEMPLATE, context)


def branch_pledge_certificates_pdf(branch: Unit, year: int, *, absolute: Absolute) -> bytes:
    """The branch's batch as one multi-page PDF: what the batch view serves."""
    certificates = branch_pledge_certificates(branch, year, absolute=absolute)
    return render_pledge_certificates(
        pledge_certificates_context(certificates, branch=branch, year=year)
    )


# --- the blank pledge form (择岗承诺书, to fill in by hand) -----------------------------------


def pledge_form_pdf(post: Post, *, member: Member | None = None) -> bytes:
    """The pledge of `post` as a form to fill in on paper: the post's duty menu with a
    box to tick and lines to write on for each item, spare rows, the signature and the
    branch's review. `member` prints their name in (a confirmed holder); without one the
    name is a blank line. The secretary enters the filled-in form as a paper pledge."""
    return render_pdf(
        PLEDGE_FORM_TEMPLATE,
        {
            "post": post,
            "member": member,
            "items": post.menu(),
            "spare_rows": range(PLEDGE_FORM_SPARE_ROWS),
        },
    )
