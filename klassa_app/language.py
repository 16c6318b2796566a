"""The language a person chose with the language switch, remembered on their account.

The switch sets Django's language cookie for the browser and, for a logged-in person, stores
the choice on the user. At login the stored choice is put into the session, where the locale
middleware finds it before the cookie, so the choice follows the person to another browser
and survives a cleared cookie.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from klassa_app.models import User

SESSION_KEY = "klassa_language"


def supported(language: str | None) -> bool:
    return language in {code for code, _name in settings.LANGUAGES}


def do_set_language(*, actor: User, language: str) -> None:
    """Remember ``language`` on the person's own account. Not audited: it is a display
    preference of the person themself and changes nothing anyone else sees."""
    if not supported(language) or actor.language == language:
        return
    actor.language = language
    actor.save(update_fields=["language"])


def chosen_language(request: HttpRequest) -> str | None:
    """The language to speak: the account's (put in the session at login or by the switch),
    else the browser's cookie; None for the default."""
    session = getattr(request, "session", None)
    language = session.get(SESSION_KEY) if session is not None else None
    if supported(language):
        return language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return cookie if supported(cookie) else None


@receiver(user_logged_in, dispatch_uid="klassa_language_at_login")
def apply_at_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and supported(user.language):
        request.session[SESSION_KEY] = user.language
