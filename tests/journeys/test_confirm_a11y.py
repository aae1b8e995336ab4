"""Issue 20 items 6 and 12: irreversible actions ask first (data-confirm, handled in
app.js: no inline script), and the page skeleton is accessible."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from lienhe.reviews.models import ResidenceComment
from tests.reviews.data import YEAR, live_introduction

pytestmark = pytest.mark.django_db


def test_signing_a_comment_and_finalising_a_review_ask_first(cast, login):
    live_introduction(cast)
    member = login(cast.users["member"])
    member.post(reverse("reviews:mine") + f"?year={YEAR}", {"purpose": "yearly"})
    comment = ResidenceComment.objects.get(member=cast.members["w1"], year=YEAR)
    form = login(cast.users["secretary_a"]).get(reverse("reviews:comment_edit", args=[comment.pk]))
    body = form.content.decode()
    assert 'name="send" data-confirm="' in body
    review = login(cast.users["agency_staff"]).get(
        reverse("reviews:review_edit", args=[cast.members["w1"].pk, YEAR])
    )
    body = review.content.decode()
    assert 'data-confirm-when="step=final"' in body
    assert '<label for="id_step">' in body and '<select name="step" id="id_step">' in body


def test_confirmation_and_menu_state_live_in_the_static_script():
    script = open(finders.find("lienhe/app.js"), encoding="utf-8").read()
    assert "data-confirm" in script and "window.confirm" in script
    assert "aria-expanded" in script
    assert ".table-wrap, .scroll-x" in script and '"tabindex", "0"' in script


def test_skip_link_live_region_and_menu_button(cast, login):
    body = login(cast.users["secretary_a"]).get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in body
    assert 'aria-live="polite"' in body
    assert 'data-toggle-nav aria-label="Mở menu" aria-expanded="false"' in body
