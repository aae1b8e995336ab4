"""The `any_of` lookup: `field__any_of=<queryset>` is `field IN (SELECT …)` that
PostgreSQL can answer from an index when it is one branch of an OR.

Under an OR, `IN (SELECT …)` is a hashed subplan tested on every row of the table: a
commune's member list (5.000 of a province's 100.000) scanned all 100.000 members and
took 83 ms to count them. Written `= ANY(ARRAY(SELECT …))`, the subquery runs once and
each branch becomes an index scan, the branches a BitmapOr: 9 ms (issue 21, session 10).
For a whole province the index scans read more than the table; `access.scoping` uses this
for scopes below a province only. Other databases get the plain `IN (SELECT …)`."""

from __future__ import annotations

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        # The subquery's order (a model's default ordering) means nothing in a set.
        if hasattr(self.rhs, "clear_ordering"):
            self.rhs.clear_ordering(clear_default=True)
        return super().get_prep_lookup()

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # foreign keys keep lookups of their own
