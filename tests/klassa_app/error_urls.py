"""The application's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from klassa_app.urls import urlpatterns as klassa_urlpatterns


@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("test-boom/", boom), *klassa_urlpatterns]
