"""The calendar invitation module: required properties, UTC times, escaping, folding, CRLF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klassa_app import ics

STOCKHOLM_WINTER = timezone(timedelta(hours=1))


def _event(**changes) -> ics.Event:
    fields = {
        "uid": "consensus-session-7@klassa.example",
        "start": datetime(2027, 1, 14, 9, 30, tzinfo=STOCKHOLM_WINTER),
        "end": datetime(2027, 1, 14, 10, 30, tzinfo=STOCKHOLM_WINTER),
        "summary": "Konsensussession: NARV Närvaro",
        "description": "Svara före mötet: https://klassa.example/sessions/7/answer/",
        "organizer_email": "sakerhet@norrkoping.se",
        "organizer_name": "Bo Holst",
        "location": "Rum 3, Rådhuset",
    }
    return ics.Event(**{**fields, **changes})


def _read(text: str) -> dict[str, str]:
    return {name.split(";")[0]: value for name, value in ics.unfold(text)}


def test_an_invitation_has_every_required_property_with_times_in_utc():
    text = ics.invitation(_event(), stamp=datetime(2027, 1, 2, 8, 0, tzinfo=UTC))
    found = _read(text)
    assert found["VERSION"] == "2.0" and found["PRODID"] and found["METHOD"] == "REQUEST"
    assert found["UID"] == "consensus-session-7@klassa.example"
    assert found["DTSTAMP"] == "20270102T080000Z"
    assert found["DTSTART"] == "20270114T083000Z"  # 09:30 in Stockholm's winter time
    assert found["DTEND"] == "20270114T093000Z"
    assert found["SUMMARY"] == "Konsensussession: NARV Närvaro"
    assert found["LOCATION"] == "Rum 3\\, Rådhuset"
    assert found["ORGANIZER"] == "mailto:sakerhet@norrkoping.se"
    assert [v for n, v in ics.unfold(text) if n == "BEGIN"] == ["VCALENDAR", "VEVENT"]


def test_every_line_ends_with_crlf_and_no_bare_newline_is_left():
    text = ics.invitation(_event(description="Rad ett\nRad två; med, tecken"), stamp=_event().start)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert _read(text)["DESCRIPTION"] == "Rad ett\\nRad två\\; med\\, tecken"


def test_long_lines_are_folded_at_75_octets_and_read_back_whole():
    description = "Svara på frågorna före mötet – åäö " * 12
    text = ics.invitation(_event(description=description), stamp=_event().start)
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)
    assert _read(text)["DESCRIPTION"] == ics.escape(description)


@given(st.text(min_size=0, max_size=400))
def test_folding_never_splits_a_character_and_unfolds_to_the_same_line(text):
    line = "DESCRIPTION:" + ics.escape(text)
    folded = ics.fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
    assert "".join(p[1:] if i else p for i, p in enumerate(folded.split("\r\n"))) == line


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        ics.utc(datetime(2027, 1, 14, 9, 30))
