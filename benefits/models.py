"""A benefit model belongs to one initiative. Its inputs are kept as the
``klassa.benefit-model/1`` document itself — the contract that the UI, the JSON
import/export and the command-line evaluation share — so nothing can drift between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Initiative

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class BenefitModel(models.Model):
    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="benefit_model"
    )
    document = models.JSONField(_("benefit model document"))
    # Optimistic concurrency: a save based on an older version is refused.
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("benefit model")
        verbose_name_plural = _("benefit models")

    def __str__(self) -> str:
        return str(self.document.get("name") or self.initiative)


class BenefitModelVersion(models.Model):
    """The document as saved at each ``lock_version``: the version an editor started from,
    so that a save that collides with someone else's can be merged three ways."""

    benefit_model = models.ForeignKey(
        BenefitModel, on_delete=models.CASCADE, related_name="versions"
    )
    lock_version = models.PositiveIntegerField()
    document = models.JSONField(_("benefit model document"))
    saved_at = models.DateTimeField(_("saved"), auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("benefit model version")
        verbose_name_plural = _("benefit model versions")
        ordering = ["benefit_model", "lock_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit_model", "lock_version"], name="benefit_model_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit_model} v{self.lock_version}"


class BenefitTracking(models.Model):
    """Follow-up of one lever's benefit: who answers for it, what is measured, and per
    calendar year the target and the actual. Keyed by the lever's name (the document has no
    ids): when the lever is renamed or removed the tracking stays, so history is never lost."""

    benefit_model = models.ForeignKey(
        BenefitModel, on_delete=models.CASCADE, related_name="trackings"
    )
    lever_name = models.CharField(_("lever"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="benefit_trackings",
        verbose_name=_("benefit owner"),
    )
    indicator = models.CharField(_("indicator"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=19, decimal_places=4, null=True, blank=True
    )
    # Hours of administration should fall: realisation is then the improvement from the
    # baseline relative to the targeted improvement.
    lower_is_better = models.BooleanField(_("lower is better"), default=False)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    # Stored for the overview of benefits behind (``benefits.derived.refresh_tracking``):
    # the status to date as of ``status_year``, recomputed with every change of the
    # tracking, its years or its model, and once for a new calendar year.
    attention = models.CharField(max_length=16, blank=True)
    behind = models.BooleanField(default=False)
    realisation = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    status_year = models.PositiveSmallIntegerField(null=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("benefit tracking")
        verbose_name_plural = _("benefit trackings")
        ordering = ["benefit_model", "lever_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit_model", "lever_name"], name="benefit_tracking_one_per_lever"
            ),
        ]

    def __str__(self) -> str:
        return self.lever_name


class BenefitTrackingYear(models.Model):
    """The target and (once measured) the actual of one calendar year."""

    tracking = models.ForeignKey(BenefitTracking, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=19, decimal_places=4)
    actual = models.DecimalField(
        _("actual"), max_digits=19, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("benefit tracking year")
        verbose_name_plural = _("benefit tracking years")
        ordering = ["tracking", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracking", "year"], name="benefit_tracking_year_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(target__gte=0), name="benefit_tracking_target_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking} {self.year}"


def _amount(label: StrOrPromise, **kwargs: Any) -> models.DecimalField:
    # Money to 1/100 öre: totals of a thousand models stay exact to the krona when summed.
    return models.DecimalField(label, max_digits=30, decimal_places=4, **kwargs)


def _ratio(label: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(label, max_digits=30, decimal_places=6, null=True, blank=True)


class BenefitSummary(models.Model):
    """One scenario's key figures of a benefit model, stored when the model is saved so that
    lists, the portfolio and its aggregates read them with SQL instead of evaluating every
    model. A model whose document no longer validates has no summaries (it counts as no
    model). ``investment_cost`` is the undiscounted sum of the investment cost items."""

    benefit_model = models.ForeignKey(
        BenefitModel, on_delete=models.CASCADE, related_name="summaries"
    )
    # Denormalised for the portfolio's aggregates (one join less on every dashboard query).
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="benefit_summaries"
    )
    scenario = models.CharField(_("scenario"), max_length=6)
    total_benefit = _amount(_("total benefit"))
    internal_benefit = _amount(_("internal benefit"))
    external_benefit = _amount(_("external benefit"))
    total_cost = _amount(_("total cost"))
    investment_cost = _amount(_("investment cost"))
    npv = _amount(_("net present value"))
    pv_benefit = _amount(_("present value of benefits"))
    pv_cost = _amount(_("present value of costs"))
    bcr = _ratio(_("benefit-cost ratio"))
    roi = _ratio(_("return on investment"))
    payback_years = _ratio(_("payback (years)"))
    irr = _ratio(_("internal rate of return"))
    discount_rate = _ratio(_("discount rate"))
    # Investment cost by model year (year 0 first), as decimal strings: what the roadmap
    # spends in each plan year after the initiative's start.
    investment_schedule = models.JSONField(_("investment by year"), default=list)

    class Meta:
        verbose_name = _("benefit summary")
        verbose_name_plural = _("benefit summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["benefit_model", "scenario"], name="benefit_summary_one_per_scenario"
            ),
            models.CheckConstraint(
                condition=models.Q(scenario__in=["low", "medium", "high"]),
                name="benefit_summary_scenario_valid",
            ),
        ]
        indexes = [models.Index(fields=["initiative", "scenario"])]

    def __str__(self) -> str:
        return f"{self.benefit_model_id} {self.scenario}"


class StaffClaim(models.Model):
    """One staff_time lever's claim on a staff group (its attribution share), stored when the
    model is saved: the double-counting check reads the claims of one group, not every
    model of the organisation."""

    organisation = models.ForeignKey(
        "klassa_app.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    benefit_model = models.ForeignKey(BenefitModel, on_delete=models.CASCADE, related_name="claims")
    group = models.CharField(_("staff group key"), max_length=300)
    label = models.CharField(_("staff group"), max_length=300)
    lever = models.CharField(_("lever"), max_length=300)
    share = models.DecimalField(_("share"), max_digits=30, decimal_places=10)

    class Meta:
        verbose_name = _("staff claim")
        verbose_name_plural = _("staff claims")
        indexes = [models.Index(fields=["organisation", "group"])]

    def __str__(self) -> str:
        return f"{self.group}: {self.share}"
