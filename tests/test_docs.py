"""The README documents every command and every long option, in the command's own section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from kommunrapport import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def kommandon() -> dict:
    """The click commands by name (typer vendors its own click, so no isinstance checks against `click`)."""
    return dict(typer.main.get_command(cli.app).commands)


def avsnitt(text: str) -> list[str]:
    """The README split at its level-2 headings (`## …`); a section includes its `###` subsections."""
    return re.split(r"^(?=## )", text, flags=re.MULTILINE)


def långa_flaggor(kommando) -> list[str]:
    """Each option's first long flag (`--month` for `--month/--månad/-m`); arguments have none."""
    flaggor = []
    for p in kommando.params:
        if p.param_type_name == "option":
            långa = [o for o in p.opts if o.startswith("--")]
            assert långa, f"{kommando.name}: {p.name} has no long flag"
            flaggor.append(långa[0])
    return flaggor


def nämns(ord_: str, text: str) -> bool:
    return re.search(rf"{re.escape(ord_)}(?![\w-])", text) is not None


def test_there_are_commands():
    assert {"ekonomi", "volymer", "ks", "kör", "historik", "init", "validera"} <= set(kommandon())


@pytest.mark.parametrize("namn", sorted(kommandon()))
def test_every_command_has_help_and_every_option_a_help_text(namn):
    kommando = kommandon()[namn]
    assert (kommando.help or "").strip(), f"{namn} has no help text"
    assert (kommando.short_help or "").strip(), f"{namn} has no short help for the command list"
    for p in kommando.params:
        assert (getattr(p, "help", None) or "").strip(), f"{namn}: {p.name} has no help text"


@pytest.mark.parametrize("namn", sorted(kommandon()))
def test_readme_documents_the_command_and_each_of_its_options_in_its_section(namn):
    text = README.read_text(encoding="utf-8")
    egna = [a for a in avsnitt(text) if nämns(f"kommunrapport {namn}", a)]
    assert egna, f"README.md never shows `kommunrapport {namn}`"
    saknas = [f for f in långa_flaggor(kommandon()[namn]) if not any(nämns(f, a) for a in egna)]
    rubriker = [a.splitlines()[0] for a in egna]
    assert saknas == [], f"README.md's sections on `kommunrapport {namn}` {rubriker} do not mention {saknas}"
