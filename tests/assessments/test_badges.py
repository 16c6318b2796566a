"""Level and status badges are rendered by template tags, with the markup the include files
had, so that a table renders no template per cell."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from tests.assessments.helpers import grow


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load klassa_tags %}" + source).render(context)


@pytest.mark.parametrize(
    ("value", "html"),
    [
        (None, '<span class="level level-none">–</span>'),
        (0, '<span class="level level-0">0</span>'),
        (3, '<span class="level level-3">3</span>'),
        (6, '<span class="level level-4">6</span>'),  # above the top colour, the number stays
        ("", '<span class="level level-none"></span>'),
    ],
)
def test_a_level_badge_has_the_colour_of_its_level(value, html):
    assert render("{% level_badge value %}", value=value) == html
    assert render('{% include "assessments/_level.html" %}', value=value).strip() == html


def test_a_level_badge_escapes_its_title():
    html = render("{% level_badge 2 title %}", title='K "hög" <3>')
    assert html == '<span class="level level-2" title="K &quot;hög&quot; &lt;3&gt;">2</span>'


@pytest.mark.parametrize(
    ("status", "css", "swedish", "english"),
    [
        ("approved", "text-bg-success", "Godkänd", "Approved"),
        ("provisional", "text-bg-warning", "Preliminär", "Provisional"),
        ("incomplete", "text-bg-secondary", "Ofullständig", "Incomplete"),
    ],
)
def test_a_status_badge_is_named_in_the_readers_language(status, css, swedish, english):
    for language, text in (("sv", swedish), ("en", english)):
        with translation.override(language):
            html = render("{% classification_status status %}", status=status)
        assert html == f'<span class="badge {css}">{text}</span>'


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["asset_list", "initiative_list"])
def test_a_list_renders_as_many_templates_for_a_full_page_as_for_three_rows(
    as_user, officer, utbildning, kultur, url_name
):
    client = as_user(officer)
    grow(utbildning, kultur, assets=3, initiatives=1)
    few = [t.name for t in client.get(reverse(url_name)).templates]
    grow(utbildning, kultur, assets=60, initiatives=30)
    response = client.get(reverse(url_name))
    assert len(response.context["page_obj"].object_list) == 50
    assert [t.name for t in response.templates] == few
    assert "assessments/_level.html" not in few
    assert response.content.decode().count('class="level level-') == 50 * 4
