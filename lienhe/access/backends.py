"""Log in with username or phone number."""

from django.contrib.auth.backends import ModelBackend

from lienhe.members.validators import normalize_phone

from .models import User


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            phone = normalize_phone(username)
            if phone.isdigit():
                matches = list(User.objects.filter(phone=phone)[:2])
                # An ambiguous phone (two accounts) never logs anyone in.
                user = matches[0] if len(matches) == 1 else None
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
