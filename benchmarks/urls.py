"""The project's URLs plus the benchmark floor (used through override_settings only)."""

from django.urls import path

from benchmarks.floor import floor
from klassa_app.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]
