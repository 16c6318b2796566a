"""The portfolio report through the API: the report of ``manage.py portfolio_report`` for the
caller's organisation, for those who see the whole organisation."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from api.models import ApiToken
from api.tokens import do_create_token
from klassa_app.models import Role
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

URL = "/api/v1/portfolio"


def command_report(*args: str) -> dict:
    out = StringIO()
    call_command("portfolio_report", "--organisation", "norrkoping", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.usefixtures("portfolio_data")
def test_an_admin_reads_the_report_the_command_prints(make_token):
    response = bearer(make_token()).get(URL)
    assert response.status_code == 200
    assert response.json() == command_report()
    codes = [row["code"] for row in response.json()["initiatives"]]
    assert sorted(codes) == ["EDU-A", "EDU-B", "EDU-C", "KUF-A"]


@pytest.mark.usefixtures("portfolio_data")
def test_the_scenario_and_budget_are_those_asked_for(make_token):
    response = bearer(make_token()).get(URL, {"scenario": "low", "budget": "4000000"})
    assert response.status_code == 200
    body = response.json()
    assert body == command_report("--scenario", "low", "--budget", "4000000")
    assert body["scenario"] == "low"
    assert body["selection"]["budget"] == "4000000.00"


@pytest.mark.usefixtures("portfolio_data")
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"scenario": "best"}, "query.scenario"),
        ({"budget": "-1"}, "query.budget"),
        ({"budget": "1e20"}, "query.budget"),
        ({"budget": "NaN"}, "query.budget"),
    ],
)
def test_a_bad_query_names_its_parameter(make_token, query, field):
    response = bearer(make_token()).get(URL, query)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.usefixtures("portfolio_data")
def test_a_security_officer_sees_the_whole_report(make_token):
    client = bearer(make_token(kind="service", service_role=Role.SECURITY_OFFICER))
    response = client.get(URL)
    assert response.status_code == 200
    assert len(response.json()["initiatives"]) == 4


@pytest.mark.usefixtures("portfolio_data")
def test_a_member_of_one_department_gets_403_and_no_figures(make_token, kultur):
    client = bearer(make_token(kind="service", service_role=Role.VIEWER, service_department=kultur))
    response = client.get(URL)
    assert response.status_code == 403
    assert "EDU-A" not in response.content.decode()
    assert response.json()["detail"]


@pytest.mark.usefixtures("portfolio_data")
def test_an_outsider_reads_only_their_own_organisations_report(outsider, other_municipality):
    secret = do_create_token(
        actor=outsider,
        organisation=other_municipality,
        name="BI",
        scope=ApiToken.Scope.READ,
        days=1,
    ).secret
    response = bearer(secret).get(URL)
    assert response.status_code == 200
    assert response.json()["initiatives"] == []
    assert "EDU-A" not in response.content.decode()
