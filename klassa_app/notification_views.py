"""The person's notifications: the list (mark read, one or all) and the e-mail settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klassa_app import notifications
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import EmailChoice, Notification, NotificationKind
from klassa_app.services import ServiceError
from klassa_app.viewhelpers import apply_service_error, current_organisation, paginate


class NotificationSettingsForm(forms.Form):
    """One choice per kind of notification: e-mail at once, in the daily digest, or none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=EmailChoice.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": gettext_lazy("Choose how you want to hear of this."),
                    "invalid_choice": gettext_lazy("Choose one of the e-mail options."),
                },
            )


def _item(notification: Notification) -> dict[str, object]:
    return {"n": notification, "text": notifications.text(notification)}


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    page = paginate(request, notifications.get_visible_notifications(request.user, organisation))
    # The coarse department filter ran in SQL; the exact access check runs on this page.
    shown = notifications.visible(request.user, page.object_list)
    return render(
        request,
        "klassa/notification_list.html",
        {
            "page_obj": page,
            "items": [_item(n) for n in shown],
            "unread_on_page": any(n.read_at is None for n in shown),
        },
    )


@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = notifications.get_own_notification(request.user, pk)
    notifications.do_mark_read(actor=request.user, notification=notification)
    if request.htmx:
        return render(request, "klassa/_notification.html", {"item": _item(notification)})
    return redirect("notification_list")


@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications.do_mark_all_read(
        actor=request.user, organisation=current_organisation(request)
    )
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notification_list")


@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Bound on every POST: an empty one is refused like any other incomplete one.
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=notifications.email_choices(request.user),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                notifications.do_set_email_choices(actor=request.user, choices=form.cleaned_data)
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notification_settings")
        messages.error(request, _("The settings were not saved: correct the marked choices."))
    return render(
        request,
        "klassa/notification_settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
