"""Log in with username or phone number.

`resolve_login` is the one place that turns what a person typed into an account;
the login backend and the login throttle (django-axes, `axes_username`) both use it,
so the lockout counts attempts per account whatever the spelling (issue 15, finding 1).
"""

from django.contrib.auth.backends import ModelBackend

from lienhe.members.validators import normalize_phone

from .models import User


def normalize_login(typed: str) -> str:
    """What the backend compares: trimmed, letter case folded ('  UyVien ' → 'uyvien')."""
    return (typed or "").strip().casefold()


def resolve_login(typed: str) -> User | None:
    """The single account a typed login name means: username in any letter case,
    else a phone number in any format ('+84 900 000 007', '0900.000.007').
    An ambiguous phone (two accounts) means nobody."""
    name = (typed or "").strip()
    if not name:
        return None
    user = User.objects.filter(username__iexact=name).first()
    if user is not None:
        return user
    phone = normalize_phone(name)
    if phone.isdigit():
        matches = list(User.objects.filter(phone=phone)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def login_key(typed: str) -> str:
    """The throttle's key for a typed name: the resolved account's username when there
    is one (so `manage.py axes_reset_username <username>` still unlocks it), else the
    normalised text (a phone number → its digits), so every spelling of the same
    name or account shares one failure counter."""
    user = resolve_login(typed)
    if user is not None:
        return user.get_username()
    phone = normalize_phone((typed or "").strip())
    if phone.isdigit():
        return phone
    return normalize_login(typed)


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: key failures, lockouts and resets on the account.

    Called with the login form's credentials, with the POST data, and after a success
    with `{"username": user.username}`; all resolve to the same key, so a success under
    one spelling can only reset the counter of the account that really logged in, and
    a locked account stays locked under every spelling."""
    if credentials is not None:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "data", request.POST).get("username")
    return login_key(typed or "")


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = resolve_login(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
