"""Register imports at the same moment on PostgreSQL: imports into one organisation take
turns, and nothing else waits for them.

Run with ``pytest -m postgres`` against PostgreSQL (CI does): the threads hold real,
overlapping transactions.
"""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from assessments.models import InformationAsset
from interchange import importer, register
from klassa_app.models import AuditEvent, Organisation
from tests.helpers import make_register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("These tests need PostgreSQL: set DATABASE_URL.")


def in_thread(action, outcomes: list, index: int) -> threading.Thread:
    def run():
        try:
            outcomes[index] = action()
        except Exception as error:  # the outcome is what the test checks
            outcomes[index] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_imports_creating_the_same_organisation_take_turns():
    """Before the organisation exists there is no row to lock; the advisory lock on its code
    still makes the second import wait and then find everything in place."""
    document = make_register("samtidig", 10)
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def start():
        barrier.wait()
        return register.import_document(document, actor=None)

    threads = [in_thread(start, outcomes, i) for i in range(2)]
    for thread in threads:
        thread.join(60)
    assert all(isinstance(o, register.ImportSummary) for o in outcomes), outcomes
    assert sorted(o.organisation_created for o in outcomes) == [False, True]
    assert sorted(o.changed for o in outcomes) == [False, True]
    assert Organisation.objects.filter(code="samtidig").count() == 1
    assert InformationAsset.objects.filter(organisation__code="samtidig").count() == 10
    assert AuditEvent.objects.filter(action="register.imported").count() == 1


def test_while_an_import_runs_its_organisation_row_and_other_organisations_are_free():
    register.import_document(make_register("stor", 10), actor=None)
    register.import_document(make_register("annan", 5), actor=None)
    inside, release = threading.Event(), threading.Event()
    original = importer._Importer.portfolio_step

    def paused(importer):
        original(importer)
        if not inside.is_set():  # only the first import (in the thread) stops here
            inside.set()
            release.wait(30)

    outcomes: list = [None]
    importer._Importer.portfolio_step = paused
    try:
        thread = in_thread(
            lambda: register.import_document(make_register("stor", 10, revision=1), actor=None),
            outcomes,
            0,
        )
        assert inside.wait(30)
        # The import holds its transaction open: others lock and write without waiting.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            stor = Organisation.objects.select_for_update().get(code="stor")
            Organisation.objects.filter(pk=stor.pk).update(review_interval_months=6)
            Organisation.objects.filter(code="annan").update(review_interval_months=6)
            register.import_document(make_register("annan", 5, revision=1), actor=None)
        # A second import into the same organisation waits for the first.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            with pytest.raises(OperationalError, match="lock timeout"):
                register.import_document(make_register("stor", 10), actor=None)
    finally:
        release.set()
        importer._Importer.portfolio_step = original
    thread.join(60)
    assert isinstance(outcomes[0], register.ImportSummary), outcomes
    assert outcomes[0].information_assets.counts()["updated"] == 10
