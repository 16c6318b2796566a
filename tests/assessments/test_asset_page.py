"""The asset page reads as one text: the description under its heading, yes and no alike."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import InformationAssetFactory

pytestmark = pytest.mark.django_db


def test_the_description_follows_its_heading_directly(as_user, owner, utbildning):
    asset = InformationAssetFactory(
        department=utbildning, description="Elevernas närvaro per lektion."
    )
    page = as_user(owner).get(reverse("asset_detail", args=[asset.pk])).content.decode()
    heading = page.index('<h2 class="h5">Beskrivning</h2>')
    text = page.index("Elevernas närvaro per lektion.")
    details = page.index("Personuppgifter", heading)
    assert heading < text < details


@pytest.mark.parametrize(("protective", "answer"), [(True, "Ja"), (False, "Nej")])
def test_protective_security_is_written_like_personal_data(
    as_user, owner, utbildning, protective, answer
):
    asset = InformationAssetFactory(
        department=utbildning, personal_data="yes", protective_security=protective
    )
    page = as_user(owner).get(reverse("asset_detail", args=[asset.pk])).content.decode()
    assert re.search(r"Personuppgifter</dt><dd[^>]*>Ja</dd>", page)
    assert re.search(rf"Säkerhetsskydd</dt><dd[^>]*>{answer}</dd>", page)
