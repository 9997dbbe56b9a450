"""Options that show their default and environment variable, and report errors with the subcommand's usage."""

from __future__ import annotations

import argparse

import pytest

from mockserver.cli import build_parser, settings_from
from mockserver.cli_options import OptionHelpFormatter


def subcommand(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    return parser.commands.choices[name]  # type: ignore[union-attr]


def test_every_serve_option_shows_its_default_and_its_environment_variable() -> None:
    serve = subcommand("serve")
    formatter = OptionHelpFormatter("mockserver serve")
    options = [action for action in serve._actions
               if action.option_strings and action.help is not argparse.SUPPRESS and action.dest != "help"]
    assert len(options) >= 17
    for action in options:
        text = formatter._get_help_string(action)
        env = "MOCKSERVER_" + action.dest.upper()
        assert f"(default: " in text and text.endswith(f"; env: {env})"), (action.dest, text)


def test_the_environment_sets_defaults_and_a_flag_beats_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"PORT": "9001", "STRICT": "yes", "CORS": "http://localhost:3000", "ACCESS_LOG": "1",
                        "LOG_FORMAT": "json", "QUIET": "off", "STATE_INTERVAL": "0.5", "WORKERS": "3"}.items():
        monkeypatch.setenv(f"MOCKSERVER_{name}", value)
    settings = settings_from(build_parser().parse_args(["serve"]))
    assert (settings.port, settings.strict, settings.cors_origins, settings.access_log, settings.log_format,
            settings.quiet, settings.state_interval_s) == (9001, True, ("http://localhost:3000",), True, "json",
                                                            False, 0.5)
    args = build_parser().parse_args(["serve", "--port", "7000", "--log-format", "text", "--quiet"])
    assert (args.port, args.log_format, args.quiet, args.workers) == (7000, "text", True, 3)
    help_text = subcommand("serve").format_help()
    assert "(default: 8080; env: MOCKSERVER_PORT (set))" in " ".join(help_text.split())
    assert "9001" not in help_text  # says the variable is set, not to what


@pytest.mark.parametrize("variable, value, message", [
    ("MOCKSERVER_PORT", "http", "argument --port: not a port number: 'http' (from the environment variable MOCKSERVER_PORT)"),
    ("MOCKSERVER_STRICT", "maybe", "argument --strict: expected 1/0, true/false, yes/no or on/off, not 'maybe' "
                                   "(from the environment variable MOCKSERVER_STRICT)"),
    ("MOCKSERVER_LOG_FORMAT", "xml", "log format must be text or json, not 'xml'"),
    ("MOCKSERVER_CORS", "localhost:3000", "not an origin: 'localhost:3000'"),
])
def test_a_bad_variable_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
                                              variable: str, value: str, message: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["serve"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and err.startswith("usage: mockserver serve")


def test_a_misspelt_option_prints_the_usage_of_its_subcommand(capsys: pytest.CaptureFixture) -> None:
    for argv, command in ((["serve", "--prot", "8080"], "serve"), (["validate", "a", "b", "--strict"], "validate"),
                          (["scenario", "init", "--forse"], "scenario init")):
        with pytest.raises(SystemExit):
            build_parser().parse_args(argv)
        err = capsys.readouterr().err
        assert err.startswith(f"usage: mockserver {command} ") and f"mockserver {command}: error: unrecognized" in err


def test_by_default_serve_runs_the_providers_the_scenario_describes(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from mockserver.paths import default_scenario_path

    monkeypatch.delenv("MOCKSERVER_PROVIDERS", raising=False)
    document = json.loads(default_scenario_path().read_text())
    only = tmp_path / "outfame-and-outx.json"
    only.write_text(json.dumps({"name": "two", "outx": document["outx"], "outfame": document["outfame"]}))
    assert settings_from(build_parser().parse_args(["serve", "--scenario", str(only)])).providers == ("outx", "outfame")
    assert settings_from(build_parser().parse_args(["serve"])).providers == ("outx", "appdotnet", "nyne", "outfame")
    chosen = build_parser().parse_args(["serve", "--scenario", str(only), "--providers", "outx"])
    assert settings_from(chosen).providers == ("outx",)
