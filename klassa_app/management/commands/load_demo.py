"""Load the demo organisations, departments and one user per role (demo mode only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.module_loading import import_string

from klassa_app.demo import DEMO_USERS
from klassa_app.models import Department, Membership, Organisation, User

NORRKOPING_DEPARTMENTS = [
    ("UTB", "Utbildningskontoret", "Förskola, grundskola, gymnasium och vuxenutbildning."),
    ("VOO", "Vård- och omsorgskontoret", "Äldreomsorg, hemtjänst och funktionsstöd."),
    ("SBK", "Samhällsbyggnadskontoret", "Stadsplanering, bygglov, trafik och miljö."),
    ("KUF", "Kultur- och fritidskontoret", "Bibliotek, museer, idrott och fritid."),
    ("HR", "HR-avdelningen", "Rekrytering, kompetensförsörjning och arbetsmiljö."),
    ("SLK", "Stadsledningskontoret", "Ledning, ekonomi, digitalisering och kommunikation."),
]

# Fyrbodal's 14 member municipalities (source deck), with their official names.
FYRBODAL_MEMBERS = [
    ("Bengtsfors", "Bengtsfors kommun"),
    ("Dals-Ed", "Dals-Eds kommun"),
    ("Färgelanda", "Färgelanda kommun"),
    ("Lysekil", "Lysekils kommun"),
    ("Mellerud", "Melleruds kommun"),
    ("Munkedal", "Munkedals kommun"),
    ("Orust", "Orust kommun"),
    ("Sotenäs", "Sotenäs kommun"),
    ("Strömstad", "Strömstads kommun"),
    ("Tanum", "Tanums kommun"),
    ("Trollhättan", "Trollhättans stad"),
    ("Uddevalla", "Uddevalla kommun"),
    ("Vänersborg", "Vänersborgs kommun"),
    ("Åmål", "Åmåls kommun"),
]


def member_code(name: str) -> str:
    table = str.maketrans({"Å": "A", "Ä": "A", "Ö": "O", "å": "A", "ä": "A", "ö": "O", "-": ""})
    return name.translate(table).upper()[:12]


class Command(BaseCommand):
    help = "Create the demo organisations (Norrköpings kommun, Fyrbodal) and demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds an organisation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is loaded only in demo mode (KLASSA_DEMO=1).")
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("The database already holds data; demo data not loaded.")
            return
        with transaction.atomic():
            self._load()
            for loader in settings.KLASSA_DEMO_LOADERS:
                import_string(loader)(actor=None)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Accounts are listed in README."))

    def _load(self) -> None:
        norrkoping, _ = Organisation.objects.update_or_create(
            code="norrkoping",
            defaults={
                "name": "Norrköpings kommun",
                "kind": Organisation.Kind.MUNICIPALITY,
                "organisation_number": "212000-0449",
            },
        )
        for code, name, description in NORRKOPING_DEPARTMENTS:
            Department.objects.update_or_create(
                organisation=norrkoping,
                code=code,
                defaults={"name": name, "description": description},
            )
        fyrbodal, _ = Organisation.objects.update_or_create(
            code="fyrbodal",
            defaults={
                "name": "Fyrbodals kommunalförbund",
                "kind": Organisation.Kind.ASSOCIATION,
            },
        )
        for short, official in FYRBODAL_MEMBERS:
            Department.objects.update_or_create(
                organisation=fyrbodal,
                code=member_code(short),
                defaults={"name": official, "kind": Department.Kind.MEMBER},
            )
        organisations = {o.code: o for o in (norrkoping, fyrbodal)}
        for demo in DEMO_USERS:
            user, _ = User.objects.get_or_create(email=demo.email)
            user.full_name = demo.full_name
            user.is_active = True
            user.set_password(demo.password)
            user.save()
            organisation = organisations[demo.organisation]
            department = (
                Department.objects.get(organisation=organisation, code=demo.department)
                if demo.department
                else None
            )
            Membership.objects.get_or_create(
                user=user,
                organisation=organisation,
                department=department,
                role=demo.role,
                defaults={"invitation_sent_at": user.date_joined},
            )
