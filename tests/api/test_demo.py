import datetime as dt
import random

from lienhe.api.demo import demo_secret, seed_api
from lienhe.api.models import ImportJob
from lienhe.demo.context import DemoContext


def test_demo_users_get_a_known_api_key_and_an_import(cast, client):
    ctx = DemoContext(
        rng=random.Random(1),
        today=dt.date(2026, 11, 23),
        members=3000,
        communes=[cast.other_commune, cast.commune],
        users={"tinh": cast.users["province_staff"], "xa": cast.users["commune_staff"]},
    )
    seed_api(ctx)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {demo_secret('tinh')}")
    assert response.status_code == 200 and response.json()["username"] == "tinh"
    members = client.get("/api/v1/members", HTTP_AUTHORIZATION=f"Bearer {demo_secret('xa')}")
    assert members.status_code == 200 and len(members.json()["items"]) == 3
    job = ImportJob.objects.get(user__username="xa")
    assert job.state == "done" and job.organization == cast.commune
