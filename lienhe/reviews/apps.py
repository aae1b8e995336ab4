from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "lienhe.reviews"
    label = "reviews"
    verbose_name = _("Nhận xét và đánh giá")

    def ready(self) -> None:
        from lienhe.audit.sealing import register_sealed

        from . import registry
        from .services import comment_content, review_content

        registry.register_all()
        register_sealed("reviews.residencecomment", comment_content)
        register_sealed("reviews.yearreview", review_content)
