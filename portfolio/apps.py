from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    """Readiness, investment priority, selection within the budget and scenarios."""

    name = "portfolio"
    verbose_name = _("Portfolio")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from klassa_app.derived import figures_changed_signal
        from portfolio import permissions, receivers  # noqa: F401  (registers the permissions)
        from portfolio.figures import on_figures_changed

        # The apps below announce changes; the portfolio keeps its stored figures in step.
        figures_changed_signal.connect(on_figures_changed, dispatch_uid="portfolio-figures")
        receivers.connect()
