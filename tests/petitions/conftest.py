from .world import agency, assigned, other_agency, petition  # noqa: F401
