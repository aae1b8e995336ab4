"""Loading Vietnam's administrative units from the `vietnam-provinces` package."""

import json

# Commune codes share a number space with provinces in the package; offset them so
# both fit in one unique column.
COMMUNE_CODE_OFFSET = 100000


def load_admin_units(AdminUnit) -> int:
    """Idempotent. Takes the model class so data migrations can pass a historical one."""
    import vietnam_provinces

    if AdminUnit.objects.exists():
        return 0
    data = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    AdminUnit.objects.bulk_create(
        [
            AdminUnit(
                code=p["code"], name=p["name"], level="province", division_type=p["division_type"]
            )
            for p in data
        ]
    )
    by_code = {p.code: p for p in AdminUnit.objects.filter(level="province")}
    communes = [
        AdminUnit(
            code=COMMUNE_CODE_OFFSET + w["code"],
            name=w["name"],
            level="commune",
            division_type=w["division_type"],
            parent=by_code[p["code"]],
        )
        for p in data
        for w in p["wards"]
    ]
    AdminUnit.objects.bulk_create(communes, batch_size=500)
    return len(by_code) + len(communes)
