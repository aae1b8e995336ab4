from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "lienhe.reviews"
    label = "reviews"
    verbose_name = _("Nhận xét và đánh giá")

    def ready(self) -> None:
        from lienhe.access.navigation import NavItem, register
        from lienhe.members.sections import register_section
        from lienhe.reports.home import register_panel

        from . import jobs, registry  # noqa: F401 — jobs registers the daily job
        from .policy import register_parameters

        register_parameters()
        from lienhe.audit.sealing import register_sealed

        from .services import comment_content, review_content

        register_sealed("reviews.residencecomment", comment_content)
        register_sealed("reviews.yearreview", review_content)
        register(NavItem("reviews:list", _("Nhận xét, đánh giá"), "reviews:read", 50, "reviews"))
        register(NavItem("reviews:mine", _("Nhận xét của tôi"), "self", 51, "reviews"))
        register_panel(40, registry.home_panel)
        register_section(40, registry.member_section)
        from . import flags  # noqa: F401  (registers the red flags of the board page)
