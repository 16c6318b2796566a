"""The register import at scale: a bounded number of queries whatever the register's size,
one audit event per kind of change with its counts and per-item detail, and a repeated
import that writes nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Adjustment, InformationAsset, Initiative
from benefits.models import BenefitModel, BenefitSummary
from interchange import importer, register
from klassa_app.models import AuditEvent
from portfolio.models import InitiativeFigures, InitiativePriority
from tests.helpers import make_register

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "WITH")


def queries_of(document: dict) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        register.import_document(document, actor=None)
    return [query["sql"] for query in captured.captured_queries]


def writes(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if sql.lstrip().upper().startswith(WRITES)]


@pytest.mark.parametrize("revision", [0, 1], ids=["create", "change"])
def test_an_import_needs_the_same_queries_for_5_and_30_assets(
    db, revision, django_assert_num_queries
):
    """Creating, then changing every part of, a register: the count does not follow N."""
    small, large = make_register("liten", 5), make_register("stor", 30)
    if revision:
        register.import_document(small, actor=None)
        register.import_document(large, actor=None)
        small = make_register("liten", 5, revision=revision)
        large = make_register("stor", 30, revision=revision)
    expected = len(queries_of(small))
    with django_assert_num_queries(expected):
        summary = register.import_document(large, actor=None)
    counts = summary.counts()
    kind = "created" if not revision else "updated"
    assert counts["information_assets"][kind] == 30
    assert counts["classifications"][kind] == 30
    assert counts["initiatives"][kind] == 6


def test_a_repeated_import_reads_a_few_times_and_writes_nothing(db):
    document = make_register("stor", 30)
    register.import_document(document, actor=None)
    events = AuditEvent.objects.count()
    again = queries_of(document)
    assert writes(again) == []
    assert len(again) == len(queries_of(make_register("stor", 30)))
    assert len(again) <= 25
    assert AuditEvent.objects.count() == events


def test_created_items_are_one_event_per_kind_with_count_and_what_each_was_created_with(db):
    register.import_document(make_register("stor", 10), actor=None)
    events = {e.action: e for e in AuditEvent.objects.all()}
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert len(actions) == len(set(actions))  # one event per kind
    assets = events["asset.created"]
    assert assets.after["count"] == 10 and assets.before is None
    assert assets.object_type == "informationasset" and assets.object_id == ""
    assert assets.object_repr.startswith("stor register (10): A-000, A-001")
    first = InformationAsset.objects.get(code="A-000")
    assert assets.after["A-000"]["name"] == "Mängd A-000 r0"
    assert assets.after["A-000"]["department"] == first.department_id
    versions = events["assessment.imported"].after
    assert versions["count"] == 10
    assert versions["A-009"]["levels"] == {"K": 1, "R": 1, "T": 1, "S": 1}
    assert versions["A-009"]["status"] == "approved" and versions["A-009"]["version"] == 1
    assert events["initiative.created"].after["count"] == 2
    assert events["initiative.assets_changed"].after["I-001"] == {
        "assets": ["A-005", "A-006", "A-007", "A-008"]
    }
    assert events["initiative.adjusted"].after["I-000 T"]["level"] == 4
    assert events["benefit_model.imported"].after["I-001"]["name"] == "Nytta 1"
    assert events["portfolio.priority_imported"].after["I-000"]["strategic_fit"] == 3
    assert actions[-1] == "register.imported"


def test_changed_items_record_only_the_fields_that_changed_from_and_to(db):
    register.import_document(make_register("stor", 10), actor=None)
    before = AuditEvent.objects.count()
    register.import_document(make_register("stor", 10, revision=1), actor=None)
    events = {e.action: e for e in AuditEvent.objects.order_by("id")[before:]}
    assets = events["asset.updated"]
    assert assets.after["count"] == 10
    assert assets.before["A-003"] == {"name": "Mängd A-003 r0"}
    assert assets.after["A-003"] == {"name": "Mängd A-003 r1"}
    versions = events["assessment.imported"].after
    assert versions["A-003"]["version"] == 2 and versions["A-003"]["superseded"] == [1]
    initiatives = events["initiative.updated"]
    assert initiatives.before["I-000"]["name"] == "Initiativ 0 r0"
    assert initiatives.after["I-000"]["name"] == "Initiativ 0 r1"
    adjusted = events["initiative.adjusted"]
    assert adjusted.before["I-001 T"] == {"justification": "Samverkande tjänster r0"}
    assert adjusted.after["I-001 T"] == {"justification": "Samverkande tjänster r1"}
    priorities = events["portfolio.priority_imported"]
    assert priorities.before["I-000"] == {"strategic_fit": 3}
    assert priorities.after["I-000"] == {"strategic_fit": 4}
    # One department changed: recorded as the department page records it.
    department = events["department.updated"]
    assert department.object_type == "department" and department.object_id
    assert department.before == {"code": "UTB", "name": "Utbildning r0"}


def test_a_kind_larger_than_the_chunk_is_split_and_every_item_is_kept(db, monkeypatch):
    monkeypatch.setattr(importer, "AUDIT_CHUNK", 4)
    register.import_document(make_register("stor", 10), actor=None)
    events = list(AuditEvent.objects.filter(action="asset.created").order_by("id"))
    assert [e.after["part"] for e in events] == ["1/3", "2/3", "3/3"]
    assert [e.after["count"] for e in events] == [4, 4, 2]
    codes = [key for e in events for key in e.after if key not in ("count", "part")]
    assert codes == [f"A-{n:03d}" for n in range(10)]


def test_the_bulk_import_keeps_every_stored_figure_and_benefit_summary(db):
    register.import_document(make_register("stor", 10), actor=None)
    register.import_document(make_register("stor", 10, revision=1), actor=None)
    models = BenefitModel.objects.filter(initiative__organisation__code="stor")
    assert models.count() == 2 and {m.lock_version for m in models} == {1}
    assert BenefitSummary.objects.filter(benefit_model__in=models).count() == 6
    # The portfolio's stored figures follow the import in the same transaction.
    assert InitiativeFigures.objects.filter(initiative__organisation__code="stor").count() == 2
    assert Adjustment.objects.filter(justification="Samverkande tjänster r1").count() == 2
    assert set(InitiativePriority.objects.values_list("strategic_fit", flat=True)) == {4}
    first = Initiative.objects.get(code="I-000")
    assert sorted(first.assets.values_list("code", flat=True)) == [
        "A-001",
        "A-002",
        "A-003",
        "A-004",
    ]
    assert first.area.name == "Område 1"


def test_the_import_locks_no_organisation_row(db):
    """Imports into one organisation are serialised without a row lock that would make
    other writers of the organisation wait (on PostgreSQL an advisory lock on its code)."""
    register.import_document(make_register("stor", 5), actor=None)
    sqls = queries_of(make_register("stor", 5, revision=1))
    # The stored figures lock the initiatives they recompute, never the organisation.
    locks = [sql for sql in sqls if "FOR UPDATE" in sql.upper()]
    assert not [sql for sql in locks if '"klassa_app_organisation"' in sql.split("WHERE")[0]]
    assert all('FROM "assessments_initiative"' in sql for sql in locks)
    if connection.vendor == "postgresql":
        assert any("pg_advisory_xact_lock" in sql for sql in sqls)
