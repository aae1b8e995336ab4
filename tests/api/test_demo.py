import datetime as dt
import random

from lienhe.api.demo import seed_api
from lienhe.api.models import ApiToken
from lienhe.demo.context import DemoContext
from lienhe.members.models import ImportJob


def test_demo_users_get_a_random_api_key_and_an_import(cast, client, settings):
    ctx = DemoContext(
        rng=random.Random(1),
        today=dt.date(2026, 11, 23),
        members=3000,
        communes=[cast.other_commune, cast.commune],
        users={
            "tinh": cast.users["province_staff"],
            "xa": cast.users["commune_staff"],
            "admin": cast.users["admin"],
        },
    )
    seed_api(ctx)
    keys = ctx.extras["api_keys"]
    assert set(keys) == {"tinh", "xa"}  # the administrator gets no ready-made key
    # Issue 15 finding 9: the old guessable key no longer works; the keys are random.
    old = f"lh_demo-tinh-{settings.DEMO_PASSWORD}"
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 401
    assert settings.DEMO_PASSWORD not in keys["tinh"] and "tinh" not in keys["tinh"]
    assert len(keys["tinh"]) > 40 and keys["tinh"] != keys["xa"]
    assert not ApiToken.objects.filter(user=cast.users["admin"]).exists()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {keys['tinh']}")
    assert response.status_code == 200 and response.json()["username"] == "tinh"
    members = client.get("/api/v1/members", HTTP_AUTHORIZATION=f"Bearer {keys['xa']}")
    assert members.status_code == 200 and len(members.json()["items"]) == 3
    job = ImportJob.objects.get(user__username="xa")
    assert job.state == "done" and job.organization == cast.commune
