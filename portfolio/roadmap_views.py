"""The roadmap page: the optimal multi-year plan beside the ranking's plan, the timeline, each
year's spend against its frame, why the others are not planned, and a what-if (other frames,
pinned start years) that never changes the stored settings.

Reads go through ``portfolio.roadmap_results`` (stored by input digest, department scoping);
the view only parses the what-if and formats the charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.models import Initiative
from klassa_app import formatting
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.services import ServiceError
from klassa_app.templatetags.klassa_format import number_style
from klassa_app.viewhelpers import member_organisation
from portfolio import roadmap, roadmap_charts, roadmap_report, roadmap_results, selectors, services
from portfolio.forms import number_text

PIN_ROWS = 3
WHAT_IF_PREFIXES = ("frame_", "pin_")


def _money(value: Decimal) -> str:
    return formatting.money(value, style=number_style())


class WhatIfForm(forms.Form):
    """Frames per plan year (blank: the stored one) and up to ``PIN_ROWS`` pinned starts."""

    def __init__(
        self,
        *args: Any,
        frames: dict[int, Decimal],
        initiatives: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stored = frames
        for year, frame in frames.items():
            self.fields[f"frame_{year}"] = forms.CharField(
                label=_("Frame %(year)s (kr)") % {"year": year},
                required=False,
                max_length=30,
                initial=number_text(frame, grouped=True),
            )
        codes = [("", _("Choose an initiative"))] + [
            (code, f"{code} {name}") for code, name in initiatives
        ]
        years = [("", _("Choose a year"))] + [(str(y), str(y)) for y in frames]
        for n in range(1, PIN_ROWS + 1):
            self.fields[f"pin_code_{n}"] = forms.ChoiceField(
                label=_("Initiative %(n)s") % {"n": n}, choices=codes, required=False
            )
            self.fields[f"pin_year_{n}"] = forms.ChoiceField(
                label=_("Starts in"), choices=years, required=False
            )

    def frame_fields(self) -> list[forms.BoundField]:
        return [self[f"frame_{year}"] for year in self.stored]

    def pin_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"pin_code_{n}"], self[f"pin_year_{n}"]) for n in range(1, PIN_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        frames: dict[int, Decimal] = {}
        for year, stored in self.stored.items():
            name = f"frame_{year}"
            text = (self.data.get(name) or "").strip()
            if not text:
                frames[year] = stored
                continue
            try:
                frames[year] = services.parse_budget(text, name)
            except ServiceError as error:
                self.add_error(name, error.message)
        pins: dict[str, int] = {}
        for n in range(1, PIN_ROWS + 1):
            code, start = data.get(f"pin_code_{n}"), data.get(f"pin_year_{n}")
            if code and not start:
                self.add_error(f"pin_year_{n}", _("Choose the year it starts in."))
            elif start and not code:
                self.add_error(f"pin_code_{n}", _("Choose the initiative that starts then."))
            elif code and start:
                if code in pins:
                    self.add_error(f"pin_code_{n}", _("This initiative is pinned already."))
                else:
                    pins[code] = int(start)
        data["frames"], data["pins"] = frames, pins
        return data


def _svg(text: str) -> SafeString:
    # portfolio.roadmap_charts escapes every text it draws.
    return mark_safe(text)  # noqa: S308


REASONS = roadmap_report.REASON_LABELS


def _change_text(row: roadmap_results.UnplannedRow) -> str:
    """What would let the initiative in."""
    if row.reason == roadmap.DOES_NOT_FIT:
        if row.extra_year is not None and row.extra_amount is not None:
            return _("+%(amount)s in %(year)s") % {
                "amount": _money(row.extra_amount),
                "year": row.extra_year,
            }
        return _("More than one year's frame would have to grow.")
    if row.reason == roadmap.PREREQUISITE_NOT_PLANNED:
        if row.missing:
            return _("Plan %(codes)s first.") % {"codes": ", ".join(row.missing)}
        return _("Plan its prerequisites first.")
    if row.reason == roadmap.NOT_READY:
        return _("Clear the blockers, or force it in.")
    if row.reason == roadmap.FORCED_OUT_REASON:
        return _("Release the forced choice.")
    return _("A higher NPV, or pin its start year in the what-if.")


def _conflict_text(conflict: dict[str, Any]) -> str:
    kind = conflict["kind"]
    if kind == roadmap.CONFLICT_PREREQUISITE:
        return _(
            "%(initiative)s must be planned but requires %(requires)s, which cannot be "
            "planned (%(reason)s)"
        ) % {
            "initiative": conflict.get("initiative", ""),
            "requires": conflict.get("requires", ""),
            "reason": REASONS.get(conflict.get("reason", ""), conflict.get("reason", "")),
        }
    if kind == roadmap.CONFLICT_HORIZON:
        return _(
            "%(initiative)s cannot start (in its pinned year, or after its prerequisites are "
            "delivered) and still invest within the plan years."
        ) % {"initiative": conflict.get("initiative", "")}
    return _(
        "The initiatives that must be planned do not fit the frames; a larger frame in "
        "%(years)s would make room."
    ) % {"years": ", ".join(str(y) for y in conflict.get("years", []))}


def _bars(page: roadmap_results.RoadmapPage) -> list[roadmap_charts.Bar]:
    bars = []
    for row in page.rows:
        last = (row.start or 0) + row.duration - 1
        parts = [
            f"{row.code} {row.name}: {row.start}–{last}"
            if row.duration > 1
            else f"{row.code} {row.name}: {row.start}",
            _("value %(value)s") % {"value": _money(row.value or Decimal(0))},
        ]
        if row.costs:
            parts.append(
                _("costs %(costs)s")
                % {"costs": ", ".join(f"{y}: {_money(v)}" for y, v in sorted(row.costs.items()))}
            )
        if row.shared_costs:
            parts.append(
                _("shared platform costs %(costs)s")
                % {"costs": ", ".join(f"{p}: {_money(v)}" for p, v in row.shared_costs.items())}
            )
        if row.needed_by:
            parts.append(_("needed by %(codes)s") % {"codes": ", ".join(row.needed_by)})
        bars.append(
            roadmap_charts.Bar(
                code=row.code,
                label=f"{row.code} {row.name}",
                area=row.area or _("No area"),
                start=row.start,
                duration=row.duration,
                tooltip="; ".join(parts),
                platform=row.platform,
                requires=tuple(row.requires),
            )
        )
    return bars


def _context(
    request: AuthenticatedHttpRequest,
    page: roadmap_results.RoadmapPage,
    form: WhatIfForm,
    *,
    what_if: bool,
) -> dict[str, Any]:
    querystring = request.GET.copy()
    querystring.pop("part", None)
    querystring["part"] = "plan"
    return {
        "page": page,
        "form": form,
        "what_if": what_if,
        "poll_query": querystring.urlencode(),
        "unplanned": [
            (u, REASONS.get(u.reason, u.reason), _change_text(u)) for u in page.unplanned
        ],
        "conflicts": [_conflict_text(c) for c in page.conflicts],
        "spend_rows": [
            (year, frame, used, ranking_used, used / frame if frame else None)
            for year, frame, used, ranking_used in zip(
                page.years, page.frames, page.spend, page.ranking_spend, strict=True
            )
        ],
        "gap_percent": Decimal(str(page.gap)) if page.gap is not None else None,
        "timeline_svg": _svg(
            roadmap_charts.timeline_chart(
                _bars(page),
                page.years,
                title=_("Roadmap"),
                description=_(
                    "Years across, initiatives down by area; a bar from the start year over "
                    "its duration, arrows from each prerequisite to what needs it. The table "
                    "below has the same content."
                ),
                empty_text=_("No planned initiative to show."),
                unplanned_text=_("not planned"),
                platform_text=_("platform"),
            )
        ),
        "spend_svg": _svg(
            roadmap_charts.spend_chart(
                page.years,
                page.spend,
                page.frames,
                title=_("Spend against the frame per year"),
                description=_("Filled bar: the plan's investment; grey track: the year's frame."),
                money=_money,
            )
        ),
    }


def what_if_fields(frames: dict[int, Decimal], pins: dict[str, int]) -> list[tuple[str, str]]:
    """The what-if of the plan shown as hidden fields of the "Save as scenario" form, so that
    the saved roadmap is the one on the page even if the stored frames change meanwhile."""
    fields = [(f"frame_{year}", f"{amount:f}") for year, amount in sorted(frames.items())]
    for n, (code, year) in enumerate(sorted(pins.items()), start=1):
        fields += [(f"pin_code_{n}", code), (f"pin_year_{n}", str(year))]
    return fields


@require_GET
def roadmap_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = member_organisation(request)
    settings = selectors.portfolio_settings(organisation)
    frames = selectors.plan_budgets(settings)
    visible = Initiative.objects.filter(organisation=organisation).order_by("code")
    department_ids = selectors._visible_department_ids(request.user, organisation)
    if department_ids is not None:
        visible = visible.filter(department_id__in=department_ids)
    asked = any(key.startswith(WHAT_IF_PREFIXES) for key in request.GET)
    form = WhatIfForm(
        request.GET if asked else None,
        frames=frames,
        initiatives=list(visible.values_list("code", "name")),
    )
    status = 200
    what_if_frames, pins = frames, {}
    if asked:
        if form.is_valid():
            what_if_frames, pins = form.cleaned_data["frames"], form.cleaned_data["pins"]
        else:
            status = 400
    try:
        result = roadmap_results.roadmap_result(
            organisation, frames=what_if_frames, fixed_starts=pins
        )
    except ValueError:
        if not pins:
            raise
        # A pinned initiative without stored figures: not part of any plan.
        form.add_error("pin_code_1", _("This initiative has no figures for the roadmap yet."))
        result, status = roadmap_results.roadmap_result(organisation), 400
    page = roadmap_results.roadmap_page(request.user, organisation, result)
    what_if = bool(pins) or what_if_frames != frames
    context = _context(request, page, form, what_if=what_if)
    context["can_manage"] = services.can_manage_portfolio(request.user, organisation)
    context["save_fields"] = what_if_fields(what_if_frames, pins)
    if request.htmx and request.GET.get("part") == "plan":
        response = render(request, "portfolio/_roadmap_plan.html", context, status=status)
    else:
        response = render(request, "portfolio/roadmap.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
