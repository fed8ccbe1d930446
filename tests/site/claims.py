"""The corrected-claims rule: phrases the content brief corrects may not be stated as fact.

A page may still *name* a claim in order to correct it. An occurrence is allowed when

1. it is inside quotation marks ("flush out toxins"), or
2. its sentence frames it as a claim or a correction ("some sites say", "claimed",
   "no good evidence", "unlikely", "instead", "red flag"...), or
3. its own clause is negated ("we found no good evidence that it boosts immunity",
   "MLD is not a cure"). A clause ends at , ; : ( ) and at and/but/so, so
   "massage is not costly and boosts immunity" is still caught; a list of three
   or more words ("we don't say it cures, heals or detoxes") stays one clause, or
4. for "licensed"/"LMT" only: its paragraph is explicitly about other states.

The Spanish edition is held to the same rule: each corrected phrase has its Spanish
forms ("elimina toxinas", "refuerza el sistema inmunitario", "reduce el cortisol",
"terapeuta de masaje con licencia", "licencia estatal" for massage in California), and
quoting, framing ("algunos sitios dicen", "no hay buena evidencia") and negation ("no",
"ni", "sin") work as in English. One set of patterns serves both editions.

Context travels the way a reader reads it: a table cell is judged with its row and the
header row ("What's claimed | What we say instead"), a list item with the paragraph
that introduces it ("Never state these as fact. They include:").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


def _ar(stem: str) -> str:
    """A Spanish -ar verb as a page states a fact with it: "elimina", "eliminan", "eliminó",
    "eliminará", or "ayuda a / sirve para / puede eliminar"."""
    return rf"{stem}(?:a|an|ó|aron|ará|arán|aría|arían)|(?:ayudan?\s+a|sirven?\s+para|pueden?)\s+{stem}ar"


# The brief's Part 0 and Part 2.6 corrections, and its style rule 3 ("never cures, heals,
# detoxes, boosts immunity").
PHRASES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, flags)
    for name, pattern, flags in [
        ("flush out toxins", r"\bflush(?:es|ed|ing)?\s+(?:out\s+)?(?:the\s+|your\s+)?toxins\b", re.I),
        ("detox", r"\bdetox(?:es|ed|ing|ify|ifies|ification)?\b", re.I),
        ("boosts immunity", r"\bboost(?:s|ed|ing)?\s+(?:your\s+|the\s+)?immun(?:ity|e\s+system)", re.I),
        ("lowers cortisol", r"\b(?:lower|reduc)(?:s|es|e|ed|ing)?\s+(?:your\s+)?cortisol\b", re.I),
        (
            "improves circulation",
            r"\b(?:improv|increas|boost)(?:es|e|ed|s)?\s+(?:your\s+)?(?:blood\s+)?circulation",
            re.I,
        ),
        (
            "removes lactic acid",
            r"\b(?:remov|clear|flush)(?:es|e|ed|ing|s)?\s+(?:out\s+)?lactic\s+acid",
            re.I,
        ),
        ("breaks up scar tissue", r"\bbreak(?:s|ing)?\s+(?:up|down)\s+(?:scar\s+tissue|adhesions)", re.I),
        ("releases adhesions", r"\breleas(?:es|e|ed|ing)\s+(?:muscle\s+)?adhesions", re.I),
        ("lasting relief", r"\b(?:long-)?lasting\s+relief\b", re.I),
        ("licensed massage therapist", r"\blicensed\s+massage\s+(?:therapists?|practitioners?)\b", re.I),
        ("LMT", r"\bLMTs?\b", 0),
        ("scientifically proven", r"\b(?:scientifically|clinically)\s+(?:proven|grounded)\b", re.I),
        ("cures", r"\bcur(?:es|e|ed|ing)\b", re.I),
        ("heals", r"\bheal(?:s|ed)?\b", re.I),
        ("speeds healing", r"\b(?:speed|accelerat)(?:s|es|e|ed|ing)?\s+(?:up\s+)?(?:the\s+)?healing\b", re.I),
        ("prevents injuries", r"\bprevent(?:s|ed|ing)?\s+(?:sports\s+)?injur(?:y|ies)\b", re.I),
        ("root cause", r"\broot\s+causes?\b", re.I),
        # The same corrections, as a Spanish page would state them: the verbs conjugated (the
        # infinitive or a noun names an aim or a topic, "Mejorar la circulación", as English
        # "Improving circulation" does), "desintoxicación" as "detoxification".
        (
            "elimina toxinas",
            rf"\b(?:{_ar(r'(?:elimin|expuls|sac|liber|dren)')})\s+(?:las\s+|sus\s+)?toxinas\b",
            re.I,
        ),
        ("desintoxica", rf"\b(?:{_ar(r'desintoxic')}|desintoxicación)\b", re.I),
        (
            "refuerza el sistema inmunitario",
            rf"\b(?:refuerzan?|reforzó|fortalecen?|fortaleció|{_ar(r'(?:estimul|mejor|aument)')})\s+"
            r"(?:el\s+|su\s+|la\s+|las\s+)?(?:sistema\s+inmun(?:itario|ológico|e)|inmunidad|defensas)",
            re.I,
        ),
        (
            "reduce el cortisol",
            rf"\b(?:reducen?|redujo|reducirá|disminuyen?|disminuyó|{_ar(r'baj')})\s+"
            r"(?:el\s+|su\s+|los\s+niveles\s+de\s+|el\s+nivel\s+de\s+)?cortisol",
            re.I,
        ),
        (
            "mejora la circulación",
            rf"\b(?:favorecen?|{_ar(r'(?:mejor|aument|estimul|activ)')})\s+(?:la\s+|su\s+)?circulación",
            re.I,
        ),
        (
            "elimina el ácido láctico",
            rf"\b(?:{_ar(r'(?:elimin|expuls|limpi|sac|retir)')})\s+(?:el\s+)?ácido\s+láctico",
            re.I,
        ),
        (
            "rompe el tejido cicatricial",
            r"\b(?:rompen?|rompió|deshacen?|deshizo|disuelven?|disolvió)\s+(?:el\s+|las\s+)?"
            r"(?:tejido\s+cicatricial|adherencias)",
            re.I,
        ),
        ("libera adherencias", rf"\b(?:{_ar(r'liber')})\s+(?:las\s+)?adherencias", re.I),
        ("alivio duradero", r"\balivio\s+(?:duradero|permanente|definitivo)", re.I),
        (
            "científicamente probado",
            r"\b(?:científica|clínica)mente\s+(?:probad|comprobad|demostrad)\w*",
            re.I,
        ),
        ("cura", rf"\b(?:{_ar(r'cur')})\b", re.I),
        ("sana lesiones", r"\bsanan?\s+(?:las\s+|los\s+|sus\s+)?(?:lesi|herid|tejid)\w*", re.I),
        (
            "acelera la curación",
            rf"\b(?:{_ar(r'aceler')})\s+(?:la\s+)?(?:curación|cicatrización|sanación)",
            re.I,
        ),
        (
            "previene lesiones",
            rf"\b(?:previenen?|previno|prevendrá|{_ar(r'evit')})\s+(?:las\s+)?lesiones\b",
            re.I,
        ),
        ("causa raíz", r"\bcausas?\s+(?:de\s+)?raíz\b|\braíz\s+del\s+problema", re.I),
        (
            "terapeuta de masaje con licencia",
            r"\bterapeutas?\s+de\s+masaje\s+(?:con\s+licencia|licenciad[oa]s?)\b",
            re.I,
        ),
    ]
}
LICENSING = {"licensed massage therapist", "LMT", "terapeuta de masaje con licencia"}

QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”|«[^»\n]*»')
NEGATION = re.compile(
    r"\b(?:no|not|never|cannot|without|whether|neither|nor|nothing|unlikely"
    # Spanish; "si" is both "if" and "whether": either way the clause is not stated as fact.
    r"|nunca|jamás|ni|sin|ningún|ninguna|ninguno|nada|tampoco|si)\b|n't\b",
    re.I,
)
FRAMING = re.compile(
    r"\b(?:claims?|claimed|claiming|myths?|unverified|unproven|unlikely|wary|misleading|instead"
    r"|promis(?:e|es|ed|ing)|red\s+flags?|not\s+supported|could\s+not\s+(?:find|confirm)"
    r"|no\s+(?:good\s+|clear\s+|strong\s+)?evidence|said\s+to|the\s+hope"
    r"|(?:some|many|other)\s+(?:\w+\s+)?(?:say|says|claim|promise|call)"
    r"|you\s+(?:may|might|will)\s+(?:hear|see|read)"
    r"|afirmaci(?:ón|ones)|afirma[n]?|se\s+dice|mitos?|sin\s+verificar|sin\s+comprobar|no\s+comprobad\w*"
    r"|poco\s+probable|promet\w*|en\s+cambio|en\s+su\s+lugar|señal(?:es)?\s+de\s+alerta|banderas?\s+rojas?"
    r"|no\s+(?:hay|encontramos|existe)\s+(?:una\s+)?(?:buena\s+|clara\s+|sólida\s+)?(?:evidencia|prueba)s?"
    r"|(?:algunos|algunas|muchos|muchas|otros|otras)\s+(?:\w+\s+)?(?:dicen|afirman|prometen|llaman)"
    r"|puede\s+(?:oír|leer|ver)|según\s+algunos|supuestamente|la\s+esperanza)\b",
    re.I,
)
CLAUSE_BREAK = re.compile(
    r"[,;:()—–]|\b(?:and|but|so|because|while|although|y|pero|porque|aunque|mientras|sino)\b", re.I
)
OTHER_STATES = re.compile(
    r"\bother\s+states?\b|\bstates?\s+that\s+(?:issue|license)|\b(?:Alabama|Alaska|Arizona|Arkansas|Colorado"
    r"|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana"
    r"|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada"
    r"|New\s+Hampshire|New\s+Jersey|New\s+Mexico|New\s+York|North\s+Carolina|North\s+Dakota|Ohio|Oklahoma"
    r"|Oregon|Pennsylvania|Rhode\s+Island|South\s+Carolina|South\s+Dakota|Tennessee|Texas|Utah|Vermont"
    r"|Virginia|Washington|West\s+Virginia|Wisconsin|Wyoming)\b"
    r"|\botros\s+estados\b|\bestados\s+que\s+(?:otorgan|emiten|dan|expiden)"
)
# "licensed" said of massage therapists: "licensed therapists", "therapists are licensed",
# "a massage license".
LICENSED_THERAPIST = re.compile(
    r"\blicens\w*\s+(?:\w+\s+){0,2}?(?:therapists?|practitioners?)\b"
    r"|\b(?:therapists?|practitioners?)\s+(?:\w+\s+){0,3}?(?:are|is|be|being|get|gets)\s+(?:\w+\s+)?licens\w*"
    r"|\bmassage\s+licens\w*"
    # Spanish: "terapeutas con licencia", "tienen licencia", "licencia estatal de masaje",
    # "licencia estatal a los masajistas" (a physician's state licence is not one of them).
    r"|\b(?:terapeutas?|masajistas?)\s+(?:\w+\s+){0,3}?(?:con\s+licencia|licenciad\w*)"
    r"|\b(?:terapeutas?|masajistas?)\s+(?:\w+\s+){0,3}?(?:tienen?|obtienen?|reciben?|necesitan?)\s+"
    r"(?:una\s+)?licencia"
    r"|\blicencias?\s+(?:(?:estatal(?:es)?|del\s+estado)\s+)?(?:de|para)\s+(?:dar\s+)?masajes?"
    r"|\blicencias?\s+(?:estatal(?:es)?|del\s+estado)\s+(?:\w+\s+){0,2}?(?:terapeutas?|masajistas?)",
    re.I,
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(A-Z0-9¿¡ÁÉÍÓÚÑ])")
# Lists of three words or more, or "x or y": a negation before the list covers every item
# ("we don't say massage cures, heals or detoxes").
ENUMERATION = re.compile(r"\b\w+(?:,\s+\w+)+,?\s+(?:and|or|y|o|ni)\s+\w+\b|\b\w+\s+(?:or|o|ni)\s+\w+\b")


@dataclass(frozen=True)
class Unit:
    sentence: str
    context: str  # what may frame it: the sentence, a list's intro, a table's header
    block: str  # the paragraph, list item or table row it sits in


@dataclass(frozen=True)
class Finding:
    phrase: str
    sentence: str


def units(blocks: list[tuple[str, str]]) -> Iterator[Unit]:
    header = intro = ""
    for kind, text in blocks:
        if kind == "table-header":
            header = text
            yield from (Unit(cell, text, text) for cell in text.split(" | "))
        elif kind == "table-row":
            yield from (Unit(cell, f"{header} | {text}", text) for cell in text.split(" | "))
        else:
            # A list item is framed by the paragraph that introduces it ("They include:").
            lead = intro if kind == "item" else ""
            for sentence in SENTENCE_END.split(text):
                yield Unit(sentence, f"{lead} {sentence}", text)
            if kind != "item":
                intro = text if text.endswith(":") else ""


def _unquoted(sentence: str) -> str:
    # Same length as the sentence so positions still line up; quotes become blanks.
    return QUOTED.sub(lambda match: " " * len(match.group(0)), sentence)


def _negated_clause(text: str, start: int, end: int) -> bool:
    """Whether the clause around text[start:end] holds a negation."""
    joined = ENUMERATION.sub(
        lambda m: re.sub(r",|\b(?:and|y)\b", lambda c: " " * len(c.group(0)), m.group(0)), text
    )
    left = max((m.end() for m in CLAUSE_BREAK.finditer(joined, 0, start)), default=0)
    after = CLAUSE_BREAK.search(joined, end)
    return bool(NEGATION.search(text[left : after.start() if after else len(text)]))


def stated_as_fact(blocks: list[tuple[str, str]]) -> list[Finding]:
    """Every corrected phrase the page states without quoting, framing or negating it."""
    found: list[Finding] = []
    for unit in units(blocks):
        bare = _unquoted(unit.sentence)
        for name, pattern in PHRASES.items():
            for match in pattern.finditer(bare):
                if FRAMING.search(unit.context) or _negated_clause(bare, match.start(), match.end()):
                    continue
                if name in LICENSING and OTHER_STATES.search(unit.block):
                    continue
                found.append(Finding(name, unit.sentence))
    return found


def calls_therapists_licensed(blocks: list[tuple[str, str]]) -> list[str]:
    """Sentences that call the site's (California) therapists licensed: the state licenses none."""
    found: list[str] = []
    for unit in units(blocks):
        bare = _unquoted(unit.sentence)
        if FRAMING.search(unit.context) or OTHER_STATES.search(unit.block):
            continue
        if any(not _negated_clause(bare, m.start(), m.end()) for m in LICENSED_THERAPIST.finditer(bare)):
            found.append(unit.sentence)
    return found
