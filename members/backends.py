"""Authentication backends for members' log-ins (listed in AUTHENTICATION_BACKENDS after
django-axes, so both are throttled and locked out like any log-in)."""

from django.contrib.auth.backends import ModelBackend

from members import activation
from members.models import Member
from volunteer.phones import normalise_mobile

# The user name django-axes counts activation attempts under: with AXES_LOCKOUT_PARAMETERS
# of user name and address, too many wrong codes lock that address out of activation.
ACTIVATION_USERNAME = "(activation code)"


class MobileNumberBackend(ModelBackend):
    """A member may log in with the mobile number on their file as well as with their
    log-in name (a generated one, when the number was taken or missing at the time)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        mobile = normalise_mobile(username or "")
        if not mobile or password is None:
            return None
        users = [
            member.user
            for member in Member.objects.filter(phone=mobile, user__isnull=False)
            .exclude(user__username=mobile)
            .select_related("user")[:2]
        ]
        if len(users) != 1:
            return None  # none, or a shared family phone: the log-in name is needed
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class ActivationCodeBackend(ModelBackend):
    """Authenticates by an activation code alone, without spending it: the activation
    page then checks the new password and spends the code."""

    def authenticate(self, request, username=None, password=None, activation_code=None, **kw):
        if activation_code is None or username != ACTIVATION_USERNAME:
            return None
        code = activation.find_usable_code(activation_code)
        if code is None:
            return None
        code.user.activation_code = code
        return code.user
