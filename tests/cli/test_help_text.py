"""``smartcity --help`` speaks the user's language and describes every option and argument."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from smartcity_desktop.cli.main import build_parser, main
from smartcity_desktop.i18n import set_language


def _parsers(
    parser: argparse.ArgumentParser, path: str = "smartcity"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_option_argument_and_command_has_help(language: str) -> None:
    set_language(language)
    try:
        missing = []
        for path, parser in _parsers(build_parser()):
            for action in parser._actions:
                if isinstance(action, argparse._SubParsersAction):
                    described = {a.dest for a in action._choices_actions if a.help}
                    missing += [f"{path} {n}" for n in action.choices if n not in described]
                elif not action.help or action.help == argparse.SUPPRESS:
                    missing.append(f"{path}: {action.option_strings or action.dest}")
        assert missing == []
    finally:
        set_language("id")


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_help_is_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([], ["keys", "certify"], ["export"], ["bundles", "list"]):
        text = _help(capsys, *argv)
        assert text.startswith("penggunaan: smartcity")
        assert "opsi:" in text
        assert "tampilkan bantuan ini lalu keluar" in text
        for english in ("usage:", "options:", "show this help message", "positional arguments"):
            assert english not in text


def test_help_is_in_english_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        text = _help(capsys, "--lang", "en", "keys", "certify")
    finally:
        set_language("id")
    assert text.startswith("usage: smartcity")
    assert "options:" in text
    assert "show this help and exit" in text


def test_usage_errors_are_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (["keys", "certify"], "argumen ini wajib: REQUEST, --out"),
        (["search", "--kind", "orang"], "argumen --kind: pilihan 'orang' tidak dikenal"),
        (["sample-data", "--seed", "satu"], "argumen --seed: nilai 'satu' tidak valid"),
        (["stats", "--bogus"], "argumen tidak dikenal: --bogus"),
    ]
    for argv, expected in cases:
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("penggunaan: smartcity") and expected in err, err
