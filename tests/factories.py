from __future__ import annotations

import factory

from klassa_app.models import Department, Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    full_name = factory.Faker("name", locale="sv_SE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org{n}")
    name = factory.Sequence(lambda n: f"Kommun {n}")
    kind = Organisation.Kind.MUNICIPALITY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"Förvaltning {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(
        lambda m: m.department.organisation if m.department else OrganisationFactory()
    )
    department = None
    role = Role.VIEWER


class InformationAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.InformationAsset"

    department = factory.SubFactory(DepartmentFactory)
    organisation = factory.LazyAttribute(lambda a: a.department.organisation)
    code = factory.Sequence(lambda n: f"ASSET{n}")
    name = factory.Sequence(lambda n: f"Informationsmängd {n}")


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.Initiative"

    department = factory.SubFactory(DepartmentFactory)
    organisation = factory.LazyAttribute(lambda i: i.department.organisation)
    code = factory.Sequence(lambda n: f"INIT{n}")
    name = factory.Sequence(lambda n: f"Satsning {n}")


class _FileJobFactory(factory.django.DjangoModelFactory):
    """A finished background file (reports, exports) with a small file behind it."""

    class Meta:
        abstract = True

    status = "done"
    progress = 100
    language = "sv"
    file = factory.django.FileField(filename="job.bin", data=b"content")


class ReportJobFactory(_FileJobFactory):
    class Meta:
        model = "assessments.ReportJob"

    initiative = factory.SubFactory(InitiativeFactory)
    organisation = factory.LazyAttribute(lambda j: j.initiative.organisation)
    kind = "action_plan_xlsx"


class RegisterExportJobFactory(_FileJobFactory):
    class Meta:
        model = "interchange.RegisterExportJob"

    organisation = factory.SubFactory(OrganisationFactory)


class PortfolioReportJobFactory(_FileJobFactory):
    class Meta:
        model = "portfolio.PortfolioReportJob"

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "xlsx"
    # department_ids None: built for someone who saw every department.
    parameters = factory.LazyFunction(lambda: {"department_ids": None})
