"""Fixtures shared by the classification tests."""

from __future__ import annotations

import pytest

from assessments import services
from klassa_app.models import Role
from tests.factories import MembershipFactory


@pytest.fixture
def colleague(utbildning):
    """A member of the same department who was not invited."""
    return MembershipFactory(department=utbildning, role=Role.ECONOMIST).user


@pytest.fixture
def asset(owner, utbildning):
    return services.do_create_asset(
        actor=owner, department=utbildning, code="NARV", name="Närvaro", personal_data="yes"
    )
