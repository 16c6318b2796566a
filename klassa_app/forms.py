from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from klassa_app.account_audit import record_account_event
from klassa_app.audit_labels import action_label
from klassa_app.models import Department, Organisation, Role


class DepartmentForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("Short code, unique within the organisation, e.g. UTB."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Department.Kind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not enter personal data here."),
    )


class DepartmentEditForm(DepartmentForm):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("Uncheck to archive: history is kept, no new work is started."),
    )


class _MembershipFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("The whole organisation"),
        help_text=_(
            "Organisation admins and security officers always act for the whole organisation."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("name")


class InviteMemberForm(_MembershipFields):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=200,
        help_text=_("Used only if the person has no account yet."),
    )
    field_order = ["email", "full_name", "role", "department"]


class MembershipForm(_MembershipFields):
    pass


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions"))] + [
            (a, action_label(a)) for a in actions
        ]

    def selector_filters(self) -> dict[str, Any]:
        """The valid form as ``selectors.audit_events``'s filters (those given); call after
        ``is_valid()``."""
        return {k: v for k, v in self.cleaned_data.items() if v}


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            organisation=organisation
        ).order_by("name")


class DepartmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("archived", _("Archived")), ("all", _("All"))],
    )


class _AuditedPasswordMixin:
    """Saves the new password and its audit event in one transaction."""

    user: Any

    def _action(self) -> str:
        raise NotImplementedError

    def save(self, commit: bool = True) -> Any:
        action = self._action()  # before saving: whether the account had a password
        with transaction.atomic():
            user = super().save(commit=commit)  # type: ignore[misc]
            if commit:
                record_account_event(action, user=user, actor=user)
        return user


class AuditedSetPasswordForm(_AuditedPasswordMixin, SetPasswordForm):
    """The e-mailed link's form: an invited person's first password, or a reset."""

    def _action(self) -> str:
        # An invitation's link is the reset link for an account that has no password yet.
        return "user.password_reset" if self.user.has_usable_password() else "user.password_set"


class AuditedPasswordChangeForm(_AuditedPasswordMixin, PasswordChangeForm):
    def _action(self) -> str:
        return "user.password_changed"
