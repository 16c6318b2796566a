"""A calendar invitation (iCalendar, RFC 5545) for one event, without Django.

Only what an invitation needs: one VEVENT with UID, DTSTAMP, DTSTART/DTEND in UTC, SUMMARY,
DESCRIPTION, LOCATION and ORGANIZER. Text is escaped, lines end with CRLF and are folded at
75 octets without splitting a UTF-8 character, as the RFC requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PRODUCT = "-//Klassa//Consensus session//SV"
LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    start: datetime  # timezone-aware
    end: datetime
    summary: str
    description: str
    organizer_email: str
    organizer_name: str = ""
    location: str = ""


def utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("an invitation needs timezone-aware times")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, newlines as \\n."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _param(text: str) -> str:
    """A parameter value (the organiser's name): quoted, without the characters that cannot
    be quoted."""
    return '"' + "".join(c for c in text if c not in '"\r\n') + '"'


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets, each continuation starting
    with a space; a UTF-8 character is never split."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            current, size, limit = " ", 1, LINE_OCTETS
        current += char
        size += octets
    parts.append(current)
    return "\r\n".join(parts)


def invitation(event: Event, *, stamp: datetime) -> str:
    """The whole VCALENDAR of one event, as a request to attend."""
    organizer = "ORGANIZER"
    if event.organizer_name:
        organizer += f";CN={_param(event.organizer_name)}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(event.start)}",
        f"DTEND:{utc(event.end)}",
        f"SUMMARY:{escape(event.summary)}",
        f"DESCRIPTION:{escape(event.description)}",
        *([f"LOCATION:{escape(event.location)}"] if event.location else []),
        f"{organizer}:mailto:{event.organizer_email}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def unfold(text: str) -> list[tuple[str, str]]:
    """The content lines of a calendar as (name with parameters, value): the reverse of the
    folding, for reading an invitation back."""
    lines: list[str] = []
    for raw in text.split("\r\n"):
        if raw.startswith((" ", "\t")) and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    result = []
    for line in lines:
        name, _sep, value = line.partition(":")
        result.append((name, value))
    return result
