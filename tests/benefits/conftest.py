"""Fixtures shared by the benefit tests."""

from __future__ import annotations

import pytest

from assessments import services as assessment_services
from klassa_app.models import Role
from tests.factories import MembershipFactory


@pytest.fixture
def initiative(owner, utbildning):
    return assessment_services.do_create_initiative(
        actor=owner, department=utbildning, code="EDU-A", name="Personal dashboard"
    )


@pytest.fixture
def culture_owner(kultur):
    return MembershipFactory(department=kultur, role=Role.BUSINESS_OWNER).user
