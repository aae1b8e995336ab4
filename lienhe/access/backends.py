"""Log in with username or phone number.

`resolve_login` is the one place that turns what a person typed into an account;
the login backend and the login throttle (django-axes, `axes_username`) both use it,
so the lockout counts attempts per account whatever the spelling (issue 15, finding 1).
"""

import functools

from django.contrib.auth.backends import ModelBackend

from lienhe.members.validators import normalize_phone

from .models import MEMBER_NAME_ATTRIBUTE, User


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

    def get_user(self, user_id):
        """The signed-in user of every request (`AuthenticationMiddleware`), as
        `ModelBackend.get_user` reads it but through one statement written once: the
        ORM's `get(pk=…)` cost 0,5 ms of Python per page against 0,1 ms of SQL (issue
        21, session 8). `user_id` is already the primary key's type (`auth.get_user`)."""
        user = next(iter(User._default_manager.raw(_user_sql(), [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


@functools.cache
def _user_sql() -> str:
    from django.db import connection

    from lienhe.members.models import Member

    qn = connection.ops.quote_name
    meta = User._meta
    member = Member._meta
    columns = ", ".join(f"u.{qn(f.column)}" for f in meta.concrete_fields)
    # The linked member's name comes with the user: every page's header shows it
    # (`User.display_name`), which cost a query of its own per page (issue 21).
    return (
        f"SELECT {columns}, m.{qn(member.get_field('full_name').column)}"
        f" AS {qn(MEMBER_NAME_ATTRIBUTE)}"
        f" FROM {qn(meta.db_table)} u LEFT JOIN {qn(member.db_table)} m"
        f" ON m.{qn(member.pk.column)} = u.{qn(meta.get_field('member').column)}"
        f" WHERE u.{qn(meta.pk.column)} = %s"
    )
