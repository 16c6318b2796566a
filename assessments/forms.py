from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import validators
from django.utils.translation import gettext_lazy as _

from assessments.i18n import tr
from assessments.models import (
    Adjustment,
    Area,
    ClassificationScheme,
    InformationAsset,
    PersonalData,
    Question,
    RequirementStatus,
    Trigger,
)
from klassa_app.models import Department, Organisation

NO_PERSONAL_DATA = _(
    "Describe the kind of information, never the people in it: do not enter personal data here."
)


class _DepartmentChoices(forms.Form):
    """The department field offers only the departments the person may use."""

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class AssetForm(_DepartmentChoices):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    code = forms.CharField(
        label=_("Code"), max_length=30, help_text=_("Unique in the organisation, e.g. ELEV.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_PERSONAL_DATA,
    )
    owner_role = forms.CharField(
        label=_("Owner role"),
        required=False,
        max_length=120,
        help_text=_("A role, not a person's name, e.g. Head of student services."),
    )
    systems = forms.CharField(
        label=_("Systems"),
        required=False,
        max_length=300,
        help_text=_("Where the information lives, e.g. the student information system."),
    )
    personal_data = forms.ChoiceField(label=_("Personal data"), choices=PersonalData.choices)
    secrecy = forms.BooleanField(label=_("Covered by secrecy (OSL)"), required=False)
    secrecy_reference = forms.CharField(
        label=_("OSL reference"),
        required=False,
        max_length=100,
        help_text=_("Chapter and section, e.g. OSL 23 kap. 2 §."),
    )
    protective_security = forms.BooleanField(
        label=_("Protective security (säkerhetsskydd)"),
        required=False,
        help_text=_(
            "Information that matters to Sweden's security. It leaves the ordinary flow "
            "and needs a protective-security analysis."
        ),
    )


class AssetFilterForm(_DepartmentChoices):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *InformationAsset.Status.choices],
    )
    personal_data = forms.ChoiceField(
        label=_("Personal data"), required=False, choices=[("", _("All")), *PersonalData.choices]
    )
    review = forms.ChoiceField(
        label=_("Review"),
        required=False,
        choices=[("", _("All")), ("overdue", _("Overdue"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("code", _("Code")),
            ("name", _("Name")),
            ("department", _("Department")),
            ("status", _("Status")),
            ("review", _("Review date")),
            ("-review", _("Review date, latest first")),
        ],
    )

    def selector_filters(self) -> dict[str, Any]:
        """The valid form as ``selectors.asset_register``'s filters (JSON-safe, for the export
        of the same list); call after ``is_valid()``."""
        data = self.cleaned_data
        return {
            "q": data["q"],
            "department_id": data["department"].pk if data["department"] else None,
            "status": data["status"],
            "personal_data": data["personal_data"],
            "review": data["review"],
            "sort": data["sort"] or "code",
        }


class StepForm(forms.Form):
    """One aspect of the wizard: a choice per question, a comment each, an override."""

    override_level = forms.TypedChoiceField(
        label=_("Override the level"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Only when the answers do not capture the consequences; say why below."),
    )
    override_reason = forms.CharField(
        label=_("Justification for the override"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NO_PERSONAL_DATA,
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        levels: list[tuple[int, str]],
        availability: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"answer_{question.code}"] = forms.TypedChoiceField(
                label=tr(question.text),
                help_text=tr(question.help),
                required=False,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                choices=[
                    (o.pk, _("%(text)s (level %(level)s)") % {"text": tr(o.text), "level": o.level})
                    for o in question.options.all()
                ],
            )
            self.fields[f"comment_{question.code}"] = forms.CharField(
                label=_("Comment on %(code)s") % {"code": question.code},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
        self.fields["override_level"].choices = [("", _("No override"))] + [
            (ordinal, f"{ordinal} – {name}") for ordinal, name in levels
        ]
        if availability:
            self.fields["downtime_hours"] = forms.DecimalField(
                label=_("Tolerable downtime (hours)"),
                required=False,
                min_value=0,
                max_digits=8,
                decimal_places=2,
                help_text=_("How long the business can manage without the information."),
            )
            self.fields["rto_hours"] = forms.DecimalField(
                label=_("Recovery time objective, RTO (hours)"),
                required=False,
                min_value=0,
                max_digits=8,
                decimal_places=2,
            )
            self.fields["rpo_hours"] = forms.DecimalField(
                label=_("Recovery point objective, RPO (hours)"),
                required=False,
                min_value=0,
                max_digits=8,
                decimal_places=2,
                help_text=_("How much recent information may be lost."),
            )

    def question_fields(self) -> list[tuple[Question, Any, Any]]:
        return [(q, self[f"answer_{q.code}"], self[f"comment_{q.code}"]) for q in self.questions]

    def differences_from(self, saved: dict[str, Any]) -> list[tuple[str, str, str]]:
        """After a collision: each field whose cleaned (typed) value differs from ``saved`` (the
        step's values saved now), as (anchor, label, saved value as text)."""
        rows = []
        for name, field in self.fields.items():
            if name == "lock_version":
                continue
            typed, now = self.cleaned_data.get(name), saved.get(name)
            if ((typed in (None, "")) and (now in (None, ""))) or typed == now:
                continue
            shown: str
            if isinstance(field, forms.TypedChoiceField):
                labels: dict[Any, Any] = dict(cast(Any, field.choices))
                shown = str(labels.get(now, "")) if now is not None else ""
                shown = shown or str(_("No answer"))
            else:
                shown = str(now) if now not in (None, "") else str(_("(empty)"))
            anchor = f"question-{name[7:]}" if name.startswith("answer_") else f"id_{name}"
            label = str(field.label or name)
            rows.append((anchor, label, shown))
        return rows

    def answer_of(self, code: str) -> tuple[int | None, str, list[str]]:
        """One question's cleaned answer and comment from the bound form, and their errors
        (for an autosave: the other fields' errors are not this save's business)."""
        self.is_valid()
        names = (f"answer_{code}", f"comment_{code}")
        errors = [str(e) for name in names for e in self.errors.get(name, [])]
        return self.cleaned_data.get(names[0]), self.cleaned_data.get(names[1]) or "", errors


class InitiativeForm(_DepartmentChoices):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    code = forms.CharField(label=_("Code"), max_length=30, help_text=_("e.g. EDU-A"))
    name = forms.CharField(label=_("Name"), max_length=200)
    area = forms.CharField(
        label=_("Area"),
        required=False,
        max_length=120,
        help_text=_("Area or programme, e.g. Education."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_PERSONAL_DATA,
    )


class InitiativeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("All areas")
    )

    def __init__(
        self, *args: Any, departments: Any, organisation: Organisation | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["area"].queryset = Area.objects.filter(organisation=organisation)

    def selector_filters(self) -> dict[str, Any]:
        """The valid form as ``selectors.initiative_list``'s filters (JSON-safe, for the
        export of the same list); call after ``is_valid()``."""
        data = self.cleaned_data
        return {
            "q": data["q"],
            "department_id": data["department"].pk if data["department"] else None,
            "area_id": data["area"].pk if data["area"] else None,
        }


class InitiativeAssetsForm(forms.Form):
    assets = forms.ModelMultipleChoiceField(
        label=_("Information assets the initiative handles"),
        queryset=InformationAsset.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, assets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assets"].queryset = assets
        self.fields["assets"].label_from_instance = lambda a: (
            f"{a.code} – {a.name} ({a.department.name})"
        )


class AdjustmentForm(forms.Form):
    aspect_code = forms.ChoiceField(label=_("Aspect"))
    level = forms.TypedChoiceField(label=_("Adjusted level"), coerce=int)
    reason = forms.ChoiceField(label=_("Reason"), choices=Adjustment.Reason.choices)
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Up: cumulation, aggregation or dependency. "
            "Down: only a documented distribution effect."
        ),
    )

    def __init__(
        self, *args: Any, aspects: list[tuple[str, str]], levels: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aspect_code"].choices = aspects
        self.fields["level"].choices = [(n, str(n)) for n in levels]


class RequirementStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=RequirementStatus.Status.choices, required=False
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


def _bilingual(
    form: forms.Form, name: str, label: str, required: bool, textarea: bool = False
) -> None:
    widget = forms.Textarea(attrs={"rows": 2}) if textarea else None
    form.fields[f"{name}_sv"] = forms.CharField(
        label=_("%(label)s (Swedish)") % {"label": label}, required=required, widget=widget
    )
    form.fields[f"{name}_en"] = forms.CharField(
        label=_("%(label)s (English)") % {"label": label}, required=False, widget=widget
    )


class AspectEditForm(forms.Form):
    enabled = forms.BooleanField(label=_("In use"), required=False)
    level_count = forms.TypedChoiceField(
        label=_("Number of levels"),
        coerce=int,
        help_text=_(
            "Levels are numbered from 0. Level fields above the chosen number are ignored."
        ),
    )

    def __init__(self, *args: Any, optional: bool, max_levels: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_levels = max_levels
        _bilingual(self, "name", str(_("Name")), True)
        _bilingual(self, "description", str(_("Description")), False, textarea=True)
        self.fields["level_count"].choices = [(n, str(n)) for n in range(2, max_levels + 1)]
        if not optional:
            self.fields["enabled"].disabled = True
            self.fields["enabled"].help_text = _("This aspect is always used.")
        for i in range(max_levels):
            _bilingual(self, f"level_{i}_name", str(_("Level %(n)s name") % {"n": i}), False)
            _bilingual(
                self,
                f"level_{i}_description",
                str(_("Level %(n)s description") % {"n": i}),
                False,
                textarea=True,
            )
        self.order_fields(
            ["name_sv", "name_en", "description_sv", "description_en", "enabled", "level_count"]
        )

    def level_groups(self) -> list[tuple[int, list[Any]]]:
        return [
            (
                i,
                [
                    self[f"level_{i}_{part}_{lang}"]
                    for part in ("name", "description")
                    for lang in ("sv", "en")
                ],
            )
            for i in range(self.max_levels)
        ]


class RequirementForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    aspect_code = forms.ChoiceField(label=_("Aspect"))
    min_level = forms.TypedChoiceField(label=_("From level"), coerce=int)
    trigger = forms.ChoiceField(
        label=_("Legal trigger"),
        required=False,
        choices=[("", _("None (general requirement)")), *Trigger.choices],
    )

    def __init__(self, *args: Any, aspects: list[tuple[str, str]], top: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aspect_code"].choices = aspects
        self.fields["min_level"].choices = [(n, str(n)) for n in range(0, top + 1)]
        _bilingual(self, "title", str(_("Title")), True)
        _bilingual(
            self, "is_text", str(_("Requirement for the action plan (ÄR)")), True, textarea=True
        )
        _bilingual(
            self, "shall_text", str(_("Requirement for procurement (SKA)")), True, textarea=True
        )


class SchemeRulesForm(forms.Form):
    """Downtime thresholds for availability and minimum levels from legal triggers."""

    def __init__(
        self,
        *args: Any,
        availability_levels: list[int],
        aspects: list[tuple[str, str, int]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.availability_levels = availability_levels
        self.aspects = aspects
        for level in availability_levels:
            self.fields[f"downtime_{level}"] = forms.DecimalField(
                label=_("Level %(level)s when the tolerable downtime is below (hours)")
                % {"level": level},
                required=False,
                min_value=0,
                max_digits=8,
                decimal_places=2,
            )
        self.fields["reveal_minimum"] = forms.ChoiceField(
            label=ClassificationScheme._meta.get_field("reveal_minimum").verbose_name,
            help_text=ClassificationScheme._meta.get_field("reveal_minimum").help_text,
            choices=ClassificationScheme.RevealMinimum.choices,
        )
        self.fields["four_eyes"] = forms.BooleanField(
            label=ClassificationScheme._meta.get_field("four_eyes").verbose_name,
            help_text=ClassificationScheme._meta.get_field("four_eyes").help_text,
            required=False,
        )
        for trigger, trigger_label in Trigger.choices:
            for code, name, top in aspects:
                self.fields[f"minimum_{trigger}_{code}"] = forms.TypedChoiceField(
                    label=_("%(trigger)s: minimum for %(aspect)s")
                    % {"trigger": trigger_label, "aspect": name},
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[("", "–"), *[(n, str(n)) for n in range(1, top + 1)]],
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )

    def downtime_fields(self) -> list[Any]:
        return [self[f"downtime_{level}"] for level in self.availability_levels]

    def minimum_rows(self) -> list[tuple[str, list[Any]]]:
        return [
            (label, [self[f"minimum_{trigger}_{code}"] for code, _name, _top in self.aspects])
            for trigger, label in Trigger.choices
        ]


class SessionForm(forms.Form):
    """Whom the facilitator invites, each with a role in the session: one row per person,
    as many rows as needed. The rows start with the members who must sign; ``count`` asks
    for a number of rows (the page's "Add a participant" button, which works without
    JavaScript)."""

    EXTRA = 2  # empty rows under the prefilled ones
    MAX_ROWS = 100

    def __init__(
        self,
        *args: Any,
        people: Any,
        others: Any = None,
        suggested: list[tuple[Any, str]] | None = None,
        facilitator: Any = None,
        count: int | None = None,
        **kwargs: Any,
    ) -> None:
        from assessments.models import Assessment, Participant

        super().__init__(*args, **kwargs)
        self.facilitator = facilitator
        suggested = suggested or []
        self.count = self._row_count(len(suggested), count)
        if count is not None:
            suggested = []  # the rows show what was typed (``initial``), new ones are empty
        self.fields["also"] = forms.ModelMultipleChoiceField(
            label=_("Also handle these information assets in the same meeting, one after another"),
            queryset=others if others is not None else Assessment.objects.none(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["also"].label_from_instance = lambda a: f"{a.asset.code} – {a.asset.name}"
        self.fields["guests"] = forms.CharField(
            label=_("External guests"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_(
                "E-mail addresses of people outside the organisation, e.g. the supplier's IT, "
                "one per line. Each gets a personal link, valid for %(days)s days, that opens "
                "only this session; they need no account and answer as IT."
            )
            % {"days": settings.KLASSA_GUEST_LINK_DAYS},
        )
        self.fields["meeting_at"] = forms.DateTimeField(
            label=_("Meeting time"),
            required=False,
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            help_text=_("Optional. The invitation then carries a calendar entry."),
        )
        self.fields["meeting_minutes"] = forms.IntegerField(
            label=_("Length in minutes"), min_value=15, max_value=480, initial=60, required=False
        )
        self.fields["meeting_place"] = forms.CharField(
            label=_("Place or link"), max_length=300, required=False
        )
        for i in range(self.count):
            user, role = suggested[i] if i < len(suggested) else (None, "")
            self.fields[f"user_{i}"] = forms.ModelChoiceField(
                label=_("Participant %(n)s") % {"n": i + 1},
                queryset=people,
                required=False,
                empty_label="–",
                initial=user.pk if user is not None else None,
            )
            self.fields[f"role_{i}"] = forms.ChoiceField(
                label=_("Role in the session"),
                required=False,
                choices=[("", "–"), *Participant.SessionRole.choices],
                initial=role,
            )

    def _row_count(self, suggested: int, count: int | None) -> int:
        if count is None:
            count = self.posted_rows(self.data) if self.is_bound else suggested + self.EXTRA
        return max(1, min(count, self.MAX_ROWS))

    @staticmethod
    def posted_rows(data: Any) -> int:
        """As many rows as were posted: the hidden ``rows``, or the highest row sent."""
        try:
            count = int(data.get("rows") or 0)
        except ValueError:
            count = 0
        for key in data:
            if key.startswith("user_") and key[5:].isdigit():
                count = max(count, int(key[5:]) + 1)
        return count

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"user_{i}"], self[f"role_{i}"]) for i in range(self.count)]

    def chosen(self) -> list[tuple[Any, str]]:
        return [
            (self.cleaned_data[f"user_{i}"], self.cleaned_data[f"role_{i}"])
            for i in range(self.count)
            if self.cleaned_data.get(f"user_{i}")
        ]

    def clean_guests(self) -> list[str]:
        emails: list[str] = []
        for line in self.cleaned_data.get("guests", "").replace(",", "\n").splitlines():
            email = line.strip().lower()
            if not email or email in emails:
                continue
            try:
                validators.validate_email(email)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("%(email)s is not an e-mail address."),
                    code="invalid_guest",
                    params={"email": line.strip()},
                ) from error
            emails.append(email)
        return emails

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: set[int] = set()
        for i in range(self.count):
            user = data.get(f"user_{i}")
            if user and not data.get(f"role_{i}"):
                self.add_error(
                    f"role_{i}",
                    forms.ValidationError(
                        _("Choose the person's role in the session."),
                        code="role_missing",
                        params={"row": i},
                    ),
                )
            if user is None:
                continue
            if self.facilitator is not None and user.pk == self.facilitator.pk:
                self.add_error(
                    f"user_{i}",
                    forms.ValidationError(
                        _("You facilitate the session and cannot take part in it as well."),
                        code="facilitator_participant",
                    ),
                )
            elif user.pk in seen:
                self.add_error(
                    f"user_{i}",
                    forms.ValidationError(
                        _("This person is already invited above."), code="invited_twice"
                    ),
                )
            seen.add(user.pk)
        return data


class DecisionForm(forms.Form):
    aspect_code = forms.ChoiceField(label=_("Aspect"))
    level = forms.TypedChoiceField(label=_("Agreed level"), coerce=int)
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the session agreed on this level. Do not enter personal data."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, aspects: list[tuple[str, str]], top: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aspect_code"].choices = aspects
        self.fields["level"].choices = [(n, str(n)) for n in range(0, top + 1)]


class DissentForm(forms.Form):
    aspect_code = forms.ChoiceField(label=_("Aspect"))
    text = forms.CharField(
        label=_("What you disagree with"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, aspects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aspect_code"].choices = aspects


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why you reject it"), widget=forms.Textarea(attrs={"rows": 2}))
