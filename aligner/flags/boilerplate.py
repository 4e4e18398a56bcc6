"""Recognise web-page chrome (menus, share bars, bylines, dates, copyright lines) in short lines."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

MAX_WORDS = 15

_MONTHS = (
    "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|"
    "january|february|march|may|june|july|august|october|december|"
    "jan|feb|mar|apr|jun|jul|agu|aug|sep|sept|okt|oct|nov|des|dec"
)
_DAYS = "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# A line made only of a weekday, a date and a time (datelines and "updated" stamps).
_DATE_ONLY = re.compile(
    rf"^(?:(?:{_DAYS})\b|(?:{_MONTHS})\b|\d{{1,4}}|[/.,:|\-–—]|wib|wita|wit|am|pm|a\.m\.|p\.m\.|gmt|utc|\s)+$",
    re.IGNORECASE,
)
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", re.IGNORECASE)
_BYLINE_CODE = re.compile(r"^\((?:\*|[a-z]{1,6}(?:/[a-z]{1,6})*)\)$")
# "By Sarah Johnson" / "Oleh Redaksi": a byline of one to four capitalised words and nothing else.
_BYLINE = re.compile(r"^(?:By|Oleh)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}$")
_SEPARATORS = re.compile(r"\s[|›»]\s|\s[|›»]$")


@lru_cache(maxsize=1)
def _patterns() -> re.Pattern:
    text = resources.files("aligner.flags").joinpath("data/boilerplate.txt").read_text(encoding="utf-8")
    rules = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return re.compile("|".join(f"(?:{r})" for r in rules), re.IGNORECASE)


def is_boilerplate(text: str) -> bool:
    """True for a short line that looks like page chrome rather than content."""
    line = text.strip().lstrip("•·*-–— ").strip()
    if not line:
        return False
    words = line.split()
    if len(words) > MAX_WORDS:
        return False
    if _DATE_ONLY.match(line) and any(ch.isdigit() for ch in line):
        return True
    if _DOMAIN.match(line) or _BYLINE_CODE.match(line) or _BYLINE.match(line):
        return True
    if len(_SEPARATORS.findall(f" {line} ")) >= 2 and all(len(p.split()) <= 4 for p in re.split(r"[|›»]", line)):
        return True
    return bool(_patterns().match(line))
