"""Our sentence-splitting rules as SRX 2.0 (and as OmegaT 3.x's ``segmentation.conf``).

CAT tools (OmegaT, Trados, memoQ, Okapi) segment a source document with SRX rules; a TMX only
gets exact matches when the tool cuts sentences where we did. :func:`srx_rules` translates the
behaviour of :class:`aligner.segment.punkt.PunktSplitter` -- Punkt over our abbreviation, title,
final-abbreviation and sentence-starter lists plus its post-rules -- into ordered SRX rules:

1. cuts our post-rules add whatever Punkt decided (byline codes, ``dll.``/``etc.`` and ellipses
   before a capitalised word) -- break rules;
2. places where no cut is made: after titles (``PT.``, ``Dr.``), after abbreviations, initials,
   numbers and dotted abbreviations unless a capitalised sentence starter follows, after ``?``/
   ``!`` before a lower-case word -- exception rules;
3. the cut after ``.``, ``?``, ``!`` (plus closing quotes/brackets) before whitespace.

Patterns use only constructs Java and Python's ``regex`` share (``\\p{Lu}``, lookarounds,
``(?i:...)`` groups, ``\\uXXXX``). Known residual differences from the splitter are listed in
:data:`KNOWN_DIFFERENCES`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..lang import code_aliases, language_name
from ..segment.punkt import LANGUAGES, load_language_data

#: Where SRX segmentation (choppa-srx, OmegaT) can still differ from PunktSplitter.
KNOWN_DIFFERENCES = (
    "Punkt's cut before a non-space character after '.' (e.g. '.)Word') is not reproduced",
    "an abbreviation or initial followed by a digit, quote or other non-letter token",
    "cuts Punkt reconsiders across its 80-character look-back window after an earlier undone cut",
)



def language_pattern(lang: str) -> str:
    """SRX ``languagepattern`` of a rule set: every code of the language (``id``, ``in``, ``ind``) with
    any region, case-insensitive, so it matches ``id-ID``, ``in``, ``ID_id``, ``en_US``."""
    return "(?i)(?:" + "|".join(code_aliases(lang)) + ")(?:[-_].*)?"


LANGUAGE_NAMES = {lang: language_name(lang) for lang in LANGUAGES}
#: SRX ``languagepattern`` per rule set; matched against codes such as ``id-ID``, ``in``, ``en_US``.
LANGUAGE_PATTERNS = {lang: language_pattern(lang) for lang in LANGUAGES}

_WS = r"[\s\p{Z}\u0085]"
_QUOTES = "\"'\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2018\u2019\u201a\u201b\u2039\u203a\u2032"
_CLOSE = "[" + _QUOTES + r")\]}]"
_OPEN = "[" + _QUOTES + r"(\[{]"
_END = "[.!?\u2026]"
# A token starts after whitespace, the paragraph start, an opening quote/bracket or a hyphen.
_TOKEN_START = r"(?<![^\s\p{Z}\u0085" + _QUOTES + r"(\[{\-])"
_BYLINE = r"\((?:\p{L}{1,6}|\*{1,3})(?:\s?[/,]\s?(?:\p{L}{1,6}|\*{1,3}))*\)"


@dataclass(frozen=True)
class SrxRule:
    """One SRX rule: break (or not) between text matching ``before`` and text matching ``after``."""

    brk: bool
    before: str
    after: str
    comment: str = ""


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", " ") for w in sorted(words, key=lambda w: (-len(w), w)))


def srx_rules(lang: str) -> list[SrxRule]:
    """The ordered SRX rules equivalent to ``PunktSplitter(lang)`` (``id`` or ``en``)."""
    data = load_language_data(lang)
    plain = data.abbrevs - data.titles - data.finals
    starter = r"(?=\p{Lu})(?i:" + _alternation(data.starters) + r")(?![\w\-])"
    not_starter = rf"{_WS}+(?!{_OPEN}*{starter})"
    finals = rf"(?<![\w.])(?i:{_alternation(data.finals)})\.{_CLOSE}*"
    return [
        # 1. cuts made whatever Punkt says
        SrxRule(True, rf"{_END}{_CLOSE}*", _BYLINE, "byline glued to the sentence end: masyarakat.(arm)"),
        SrxRule(True, rf"{_END}{_CLOSE}*{_WS}+", rf"{_BYLINE}{_WS}*$", "byline ending the paragraph"),
        SrxRule(True, rf"{_END}{_CLOSE}*{_BYLINE}", r"\S", "text after a glued byline"),
        SrxRule(True, finals, rf"{_WS}+{_OPEN}*\p{{Lu}}", "final abbreviation before a capitalised word"),
        SrxRule(True, rf"(?<=\S){_WS}?(?<!\.)(?:\.{{3,}}|\u2026){_CLOSE}*", rf"{_WS}+{_OPEN}*\p{{Lu}}",
                "ellipsis before a capitalised word"),
        # 2. no cut
        SrxRule(False, finals, "", "final abbreviation elsewhere"),
        SrxRule(False, r"(?:\.{2,}|\u2026)", not_starter, "ellipsis not before a sentence starter"),
        SrxRule(False, rf"(?:[?!][?!.]*{_CLOSE}*|\.+{_CLOSE}+)", rf"{_WS}+\p{{Ll}}",
                "?/! or quoted sentence end before a lower-case word"),
        SrxRule(False, rf"{_TOKEN_START}(?i:{_alternation(data.titles)})\.", "", "titles never end a sentence"),
        SrxRule(False, rf"{_TOKEN_START}(?i:{_alternation(plain)})\.", not_starter,
                "abbreviation not before a capitalised sentence starter"),
        SrxRule(False, rf"{_TOKEN_START}[\p{{L}}_]\.", rf"{_WS}+(?:\p{{Ll}}|(?!{starter})\p{{Lu}})",
                "initial before a word that is not a sentence starter"),
        SrxRule(False, rf"{_TOKEN_START}-?[.,]?\d[\d,.\-]*\.", rf"{_WS}+\p{{Ll}}", "number before a lower-case word"),
        SrxRule(False, rf"{_TOKEN_START}\p{{L}}{{1,2}}\.(?:\p{{L}}{{1,4}}\.)+", not_starter,
                "dotted abbreviation (S.Hut., A.Md.) not before a sentence starter"),
        # 3. sentence ends
        SrxRule(True, rf"[.?!]{_CLOSE}*", rf"{_WS}", "sentence-final punctuation before whitespace"),
    ]


def srx_document(languages: tuple[str, ...] = LANGUAGES) -> str:
    """An SRX 2.0 document with one ``languagerule`` per language and its ``maprule``."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<srx xmlns="http://www.lisa.org/srx20" version="2.0">',
        '  <header segmentsubflows="yes" cascade="no">',
        '    <formathandle type="start" include="no"/>',
        '    <formathandle type="end" include="yes"/>',
        '    <formathandle type="isolated" include="no"/>',
        "  </header>",
        "  <body>",
        "    <languagerules>",
    ]
    for lang in languages:
        lines.append(f'      <languagerule languagerulename="{LANGUAGE_NAMES[lang]}">')
        for rule in srx_rules(lang):
            if rule.comment:
                lines.append(f"        <!-- {escape(rule.comment).replace('--', '-')} -->")
            lines.append(f'        <rule break="{"yes" if rule.brk else "no"}">')
            lines.append(f"          <beforebreak>{escape(rule.before)}</beforebreak>")
            lines.append(f"          <afterbreak>{escape(rule.after)}</afterbreak>")
            lines.append("        </rule>")
        lines.append("      </languagerule>")
    lines += ["    </languagerules>", "    <maprules>"]
    for lang in languages:
        pattern = escape(LANGUAGE_PATTERNS[lang])
        lines.append(f'      <languagemap languagepattern="{pattern}" languagerulename="{LANGUAGE_NAMES[lang]}"/>')
    lines += ["    </maprules>", "  </body>", "</srx>", ""]
    return "\n".join(lines)


def _bean_string(prop: str, value: str, indent: str) -> list[str]:
    return [f'{indent}<void property="{prop}">', f"{indent} <string>{escape(value)}</string>", f"{indent}</void>"]


def omegat_segmentation_conf(languages: tuple[str, ...] = LANGUAGES) -> str:
    """The same rules as OmegaT 3.x's ``segmentation.conf`` (a ``java.beans.XMLEncoder`` file).

    Put it in a project's ``omegat/`` folder (project-specific rules) or in OmegaT's config folder.
    OmegaT matches its map patterns against upper-case codes (``ID-ID``), case-insensitively here.
    """
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<java version="1.8.0" class="java.beans.XMLDecoder">',
        ' <object class="org.omegat.core.segmentation.SRX">',
        '  <void property="mappingRules">',
    ]
    for lang in languages:
        out += ['   <void method="add">', '    <object class="org.omegat.core.segmentation.MapRule">']
        out += _bean_string("language", LANGUAGE_NAMES[lang], "     ")
        out += _bean_string("pattern", LANGUAGE_PATTERNS[lang], "     ")
        out += ['     <void property="rules">', '      <object class="java.util.ArrayList">']
        for rule in srx_rules(lang):
            out += ['       <void method="add">', '        <object class="org.omegat.core.segmentation.Rule">']
            out += _bean_string("afterbreak", rule.after, "         ")
            out += _bean_string("beforebreak", rule.before, "         ")
            if rule.brk:
                out += ['         <void property="breakRule">', "          <boolean>true</boolean>", "         </void>"]
            out += ["        </object>", "       </void>"]
        out += ["      </object>", "     </void>", "    </object>", "   </void>"]
    out += ["  </void>"]
    out += _bean_string("version", "0.2.2", "  ")
    out += [" </object>", "</java>", ""]
    return "\n".join(out)
