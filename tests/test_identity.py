"""A plan's identity found by the rules of docs/parse-rules.md, on phrasings other plans may use."""

from __future__ import annotations

import pytest

from hgkbp_ld import _identity
from hgkbp_ld._text import split_lines

BODY = (
    "Het Jeugd- en Kinderrechtenbeleidsplan (JKP) 2025-2029 bundelt de acties. "
    "Met het Vlaams Actieplan ter bestrijding van Gendergerelateerd Geweld (VAGG) zetten we in op preventie."
)

TITLE_PAGES = [
    (
        "JEUGD- EN KINDERRECHTENBELEIDSPLAN\n2025-2029\n\nVlaamse Regering\n\n19 december 2025",
        ("Jeugd- en Kinderrechtenbeleidsplan 2025-2029", "JKP"),
    ),
    (
        "JEUGD- EN KINDERRECHTENBELEIDSPLAN\n\nSamen bouwen aan een kindvriendelijk Vlaanderen\n\n2025-2029",
        ("Jeugd- en Kinderrechtenbeleidsplan 2025-2029", "JKP"),
    ),
    (
        "VLAAMS ACTIEPLAN TER BESTRIJDING VAN GENDERGERELATEERD GEWELD\n2025 – 2029\n\n(VAGG)",
        ("Vlaams Actieplan ter bestrijding van Gendergerelateerd Geweld 2025-2029", "VAGG"),
    ),
    (
        "Vlaamse Regering\n\nOuderenbeleidsplan\n\nSamen ouder worden\n\n2025-2029",
        ("Ouderenbeleidsplan 2025-2029", None),
    ),
    (
        "Geïntegreerd Actieplan Horizontaal Integratiebeleid (GAHI) 2025-2029",
        ("Geïntegreerd Actieplan Horizontaal Integratiebeleid 2025-2029", "GAHI"),
    ),
]


@pytest.mark.parametrize(("page", "expected"), TITLE_PAGES)
def test_a_title_page(page: str, expected: tuple[str, str | None]) -> None:
    found = _identity.from_title_page(split_lines(page), split_lines(BODY))
    assert found is not None and (found.title, found.abbreviation) == expected
    assert (found.start_year, found.end_year, found.rule) == (2025, 2029, "title page")


SENTENCES = [
    (
        "Met dit Vlaams Actieplan Armoedebestrijding 2025-2029 (VAPA) zetten we in op werk.",
        "Vlaams Actieplan Armoedebestrijding",
        "VAPA",
    ),
    (
        "De regering keurt het Geïntegreerd Actieplan Horizontaal Integratiebeleid (GAHI) 2025-2029 goed.",
        "Geïntegreerd Actieplan Horizontaal Integratiebeleid",
        "GAHI",
    ),
    # Another plan named first: the sentence in which the plan speaks of itself wins.
    (
        "Dit plan sluit aan bij het Horizontaal Gelijkekansenbeleidsplan 2025-2029 (HGKBP). "
        "Met dit Vlaams Actieplan ter bestrijding van Gendergerelateerd Geweld 2025-2029 (VAGG) gaan we verder.",
        "Vlaams Actieplan ter bestrijding van Gendergerelateerd Geweld",
        "VAGG",
    ),
    ("Dit Ouderenbeleidsplan 2025-2029 is het eerste van deze regering.", "Ouderenbeleidsplan", None),
]


@pytest.mark.parametrize(("text", "name", "abbreviation"), SENTENCES)
def test_a_sentence(text: str, name: str, abbreviation: str | None) -> None:
    lines = split_lines(text)
    found = (
        _identity.from_phrasing(lines, with_abbreviation=True, itself_only=True)
        or _identity.from_phrasing(lines, with_abbreviation=False, itself_only=True)
        or _identity.from_phrasing(lines, with_abbreviation=True)
    )
    assert found is not None and (found.title, found.abbreviation) == (f"{name} 2025-2029", abbreviation)


@pytest.mark.parametrize(
    ("abbreviation", "name", "spelled"),
    [
        ("HGKBP", "Horizontaal Gelijkekansenbeleidsplan", True),
        ("JKP", "Jeugd- en Kinderrechtenbeleidsplan", True),
        ("VAPA", "Vlaams Actieplan Armoedebestrijding", True),
        ("VAPA", "Actieplan Armoedebestrijding", False),
        ("GAHI", "Geïntegreerd Actieplan Horizontaal Integratiebeleid", True),
        ("VAGG", "Vlaams Actieplan ter bestrijding van Gendergerelateerd Geweld", True),
        ("VAGG", "van Gendergerelateerd Geweld", False),
    ],
)
def test_a_name_spells_its_abbreviation(abbreviation: str, name: str, spelled: bool) -> None:
    assert _identity.spells(abbreviation, name.split()) is spelled


def test_an_abbreviation_with_a_short_period() -> None:
    text = "Het Horizontaal Gelijkekansenbeleidsplan wordt geëvalueerd. Een evaluatie van het HGKBP ’25 –’29 volgt."
    found = _identity.from_short_period(split_lines(text))
    assert found is not None
    assert (found.title, found.abbreviation, found.start_year, found.end_year) == (
        "Horizontaal Gelijkekansenbeleidsplan 2025-2029",
        "HGKBP",
        2025,
        2029,
    )


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Het Horizontaal Gelijkekansenbeleidsplan", "hgkbp-2025-2029"),
        ("Horizontaal Gelijkekansenbeleidsplan (HGKBP)", "hgkbp-2025-2029"),
        ("het HGKBP", "hgkbp-2025-2029"),
        ("(VAPA)", "vlaams-actieplan-armoedebestrijding"),
        ("Vlaams actieplan Armoedebestrijding (VAPA)", "vlaams-actieplan-armoedebestrijding"),
        ("Het Ouderenbeleidsplan", "ouderenbeleidsplan"),
    ],
)
def test_a_plan_named_in_a_text_resolves_through_the_register(name: str, slug: str) -> None:
    from hgkbp_ld.registers import Registers

    found = Registers.load().plans.resolve(name)
    assert found is not None and found.slug == slug
