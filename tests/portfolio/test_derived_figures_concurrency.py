"""Two writes at once that concern the same initiative both end up in its stored figures.

Run with ``pytest -m postgres`` against PostgreSQL: the threads hold real, overlapping
transactions.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from assessments import services
from assessments.models import InformationAsset
from klassa_app.models import Role
from portfolio import figures
from tests.factories import DepartmentFactory, MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def linked():
    """One initiative with two unclassified assets, and an admin who edits both."""
    if connection.vendor != "postgresql":
        pytest.fail("These tests need PostgreSQL: set DATABASE_URL.")
    organisation = OrganisationFactory(code="norrkoping")
    department = DepartmentFactory(organisation=organisation, code="UTB")
    admin = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    first = services.do_create_asset(actor=admin, department=department, code="A", name="A")
    second = services.do_create_asset(actor=admin, department=department, code="B", name="B")
    initiative = services.do_create_initiative(
        actor=admin, department=department, code="I", name="I"
    )
    services.do_set_initiative_assets(actor=admin, initiative=initiative, assets=[first, second])
    return organisation, admin, first, second, initiative


def test_two_assets_of_one_initiative_changed_at_once_both_reach_its_figures(linked):
    """The first write holds its transaction open until the second has computed and is
    writing the same initiative's figures."""
    organisation, admin, first, second, initiative = linked
    first_written, outcomes = threading.Event(), {}

    def change(name, asset, hold, **fields):
        try:
            with transaction.atomic():
                services.do_update_asset(
                    actor=admin, asset=InformationAsset.objects.get(pk=asset.pk), **fields
                )
                if hold:
                    first_written.set()
                    # Long enough for the other write to reach the figures of the initiative.
                    threading.Event().wait(1.5)
            outcomes[name] = "ok"
        except Exception as error:  # the outcome is what the test checks
            outcomes[name] = error
        finally:
            connections.close_all()

    def second_write():
        first_written.wait(10)
        change("second", second, False, personal_data="special_categories")

    threads = [
        threading.Thread(
            target=change, args=("first", first, True), kwargs={"protective_security": True}
        ),
        threading.Thread(target=second_write),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes == {"first": "ok", "second": "ok"}
    assert figures.differences(organisation) == []
    stored = figures.stored_figures(organisation)[initiative.pk]
    assert stored.requires_psa and stored.handles_special_categories
