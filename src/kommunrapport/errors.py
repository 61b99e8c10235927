"""Errors a user can act on. Every message is Swedish and names the place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plats:
    """Where in an input a problem is: file, sheet, row and column (all optional)."""

    fil: str | None = None
    blad: str | None = None
    rad: int | None = None
    kolumn: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.fil:
            parts.append(self.fil)
        if self.blad:
            parts.append(f"blad '{self.blad}'")
        if self.rad is not None:
            parts.append(f"rad {self.rad}")
        if self.kolumn:
            parts.append(f"kolumn {self.kolumn}")
        return ", ".join(parts)


class KommunrapportFel(Exception):
    """Base of all errors caused by input or configuration (exit code 2)."""

    exit_code = 2

    def __init__(self, meddelande: str, plats: Plats | None = None):
        self.meddelande = meddelande
        self.plats = plats
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.plats and str(self.plats):
            return f"{self.plats}: {self.meddelande}"
        return self.meddelande


class IndataFel(KommunrapportFel):
    """A problem in an input file. May carry several problems."""

    def __init__(self, meddelande: str, plats: Plats | None = None, fler: list[KommunrapportFel] | None = None):
        super().__init__(meddelande, plats)
        self.fler = fler or []

    @property
    def alla(self) -> list[KommunrapportFel]:
        return [self, *self.fler]

    @classmethod
    def samla(cls, fel: list[KommunrapportFel]) -> IndataFel:
        first, *rest = fel
        return cls(first.meddelande, first.plats, rest)


class IngenRubrikrad(IndataFel):
    """No row of the file (or sheet) has the headers a reader looks for: the file is of another kind.

    Readers that try several layouts catch this one and go on; every other input error stops them."""


class KonfigurationsFel(KommunrapportFel):
    """A problem in the configuration, the mapping or a template."""
