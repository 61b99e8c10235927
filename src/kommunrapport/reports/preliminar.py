"""A preliminary month: one that is not closed by the user's rule ([kor]) or in the data. Shared by the
ekonomi and the volume report (the volumes have no budget to check against: only the rule decides)."""

from __future__ import annotations

from datetime import date

from ..calc import closing
from ..errors import KommunrapportFel, Plats
from ..model.period import månadsnamn


def preliminär_text(år: int, månad: int, skäl: list[str]) -> str:
    """The first words of a preliminary report: what is preliminary and why."""
    return (f"Preliminär: {månadsnamn(månad)} {år} är inte stängd. Skäl: {'; '.join(skäl)}. "
            "Siffrorna kan ändras när månaden är stängd.")


class PreliminärMånad(KommunrapportFel):
    """The report month is not closed (by the user's rule or in the data); exit 2 for ekonomi and volymer."""

    def __init__(self, år: int, månad: int, skäl: list[str], råd: str = "", plats: Plats | None = None):
        self.år, self.månad, self.skäl = år, månad, list(skäl)
        super().__init__(f"{månadsnamn(månad)} {år} är preliminär: {'; '.join(skäl)}" + (f"; {råd}" if råd else ""),
                         plats)


FLAGGRÅD = "ange --preliminar för att ändå göra rapporten (den märks då Preliminär)"


def preliminära_skäl(år: int, månad: int, regel: closing.Stängningsregel | None, idag: date,
                     dataskäl: list[str]) -> list[str]:
    """The user's rule's reason (if any) and the data's reasons, in that order."""
    s = regel.skäl(år, månad, idag) if regel is not None else None
    return ([s] if s else []) + [d for d in dataskäl if d != s]
