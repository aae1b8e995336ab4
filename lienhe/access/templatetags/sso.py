"""`{% sso_login next as sso %}` for the login page: the province SSO button's URL
and label, or None when single sign-on is off (docs/sso.md)."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def sso_login(next_url: str = ""):
    if not getattr(settings, "OIDC_RP_CLIENT_ID", ""):
        return None
    try:
        url = reverse("oidc_authentication_init")
    except NoReverseMatch:  # settings say on, but the URLs were not mounted
        return None
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return {"url": url, "label": settings.OIDC_LOGIN_LABEL}
