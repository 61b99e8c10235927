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


class Användningsfel(KommunrapportFel):
    """A command line that cannot be parsed (an unknown command, a missing command, an extra argument);
    `kommando` is the command whose help to read ('kommunrapport ekonomi')."""

    def __init__(self, meddelande: str, kommando: str = "kommunrapport"):
        super().__init__(meddelande)
        self.kommando = kommando


class KonfigurationsFel(KommunrapportFel):
    """A problem in the configuration, the mapping or a template."""


class SkrivFel(KommunrapportFel):
    """An output cannot be written: a read-only folder, a full disk, a path that is a file or a link."""


# errno → what it means for someone who runs the report, and what to do about it.
_ORSAKER: dict[str, tuple[str, str]] = {
    "ENOSPC": ("disken är full", "frigör utrymme och kör igen"),
    "EDQUOT": ("diskkvoten är slut", "frigör utrymme eller be om en större kvot och kör igen"),
    "EROFS": ("filsystemet är skrivskyddat", "ange en mapp som går att skriva i"),
    "EACCES": ("behörighet saknas (mappen eller filen är skrivskyddad, eller öppen i ett annat program)",
               "ge användaren skrivrätt, stäng filen eller ange en annan mapp"),
    "EPERM": ("behörighet saknas", "ge användaren skrivrätt eller ange en annan mapp"),
    "ENOTDIR": ("en del av sökvägen är en fil, inte en mapp", "ange en mapp"),
    "EISDIR": ("det är en mapp, inte en fil", "ta bort eller byt namn på mappen"),
    "EEXIST": ("det finns redan en fil med det namnet", "ta bort eller byt namn på filen"),
    "ENOENT": ("mappen finns inte (längre)", "kontrollera sökvägen och kör igen"),
    "ENAMETOOLONG": ("sökvägen är för lång", "ange en kortare sökväg"),
    "ELOOP": ("sökvägen är en symbolisk länk eller har för många länkar", "ta bort länken och kör igen"),
    "EIO": ("in- eller utmatningsfel på disken", "kontrollera disken och kör igen"),
    "EBUSY": ("filen används av ett annat program", "stäng programmet och kör igen"),
    "ETXTBSY": ("filen används av ett annat program", "stäng programmet och kör igen"),
}


def orsak(exc: OSError) -> str:
    """An OSError from writing as Swedish words with advice: 'disken är full; frigör utrymme och kör igen'.

    An errno without words of its own keeps its name and the system's text (which may be English)."""
    import errno as errno_

    namn = errno_.errorcode.get(exc.errno or 0, "")
    if namn in _ORSAKER:
        vad, råd = _ORSAKER[namn]
        return f"{vad}; {råd}"
    return f"operativsystemet svarade {namn or exc.errno} ({exc.strerror})"


def skrivfel(exc: OSError, vad: str) -> SkrivFel:
    """A SkrivFel for an OSError that happened while writing `vad` (a file or folder, named in the message)."""
    return SkrivFel(f"kan inte skriva {vad}: {orsak(exc)}")
