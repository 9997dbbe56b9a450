"""Command-line options that take their default from an environment variable and say so in --help."""

from __future__ import annotations

import argparse
import os
from typing import Any, Callable, Mapping, Sequence

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class FromEnv(str):
    """A default read from an environment variable; a conversion error names the variable."""

    variable: str

    def __new__(cls, value: str, variable: str) -> "FromEnv":
        text = super().__new__(cls, value)
        text.variable = variable
        return text


def env_flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"expected 1/0, true/false, yes/no or on/off, not {text!r}")


def _naming_the_variable(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    """Wrap a converter so that a bad value from the environment says which variable held it."""

    def parse(text: str) -> Any:
        try:
            return convert(text)
        except (argparse.ArgumentTypeError, ValueError) as error:
            if isinstance(text, FromEnv):
                raise argparse.ArgumentTypeError(f"{error} (from the environment variable {text.variable})") from None
            raise

    parse.__name__ = getattr(convert, "__name__", "value")  # argparse names the type in some messages
    return parse


def add_option(parser: argparse.ArgumentParser, *flags: str, env: str | None = None,
               shown_default: str | None = None, environ: Mapping[str, str] | None = None,
               **kwargs: Any) -> argparse.Action:
    """Add an option whose help ends with "(default: X; env: Y)"; Y, when set, replaces the default.

    A flag on the command line beats the variable. The variable's text goes
    through the option's own `type` (argparse converts string defaults), so
    a bad value is reported like a bad flag, with the subcommand's usage.
    """
    action = parser.add_argument(*flags, **kwargs)
    action.shown_default = shown_default if shown_default is not None else _text_of(action)  # type: ignore[attr-defined]
    action.env = env  # type: ignore[attr-defined]
    if env is None:
        return action
    if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
        action.type = env_flag  # only the variable's text is converted; the flag itself stores a constant
    if action.type is not None:
        action.type = _naming_the_variable(action.type)
    value = (os.environ if environ is None else environ).get(env)
    if value is not None:
        action.default = FromEnv(value, env)
    return action


def _text_of(action: argparse.Action) -> str | None:
    """How --help shows an option's own default (None: not worth showing)."""
    default = action.default
    if default is argparse.SUPPRESS or default is None:
        return None
    if isinstance(default, bool):
        return "on" if default else "off"
    if isinstance(default, (list, tuple)):
        return ",".join(map(str, default)) or None
    return str(default)


def _default_text(action: argparse.Action) -> str | None:
    if hasattr(action, "shown_default"):  # added by add_option: the default before any variable replaced it
        return action.shown_default
    if isinstance(action.default, bool):
        return None  # a plain flag is off unless given: nothing to say
    return _text_of(action)


class OptionHelpFormatter(argparse.HelpFormatter):
    """Ends each option's help with its default and its environment variable."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if not action.option_strings or action.help is argparse.SUPPRESS:
            return text
        facts = []
        default = _default_text(action)
        if default is not None:
            facts.append(f"default: {default}")
        env = getattr(action, "env", None)
        if env:
            facts.append(f"env: {env}" + (" (set)" if isinstance(action.default, FromEnv) else ""))
        if not facts:
            return text
        shown = "(" + "; ".join(facts).replace("%", "%%") + ")"  # argparse %-formats help texts
        return f"{text} {shown}" if text else shown


class CommandParser(argparse.ArgumentParser):
    """A parser with subcommands that reports a misspelt option with the subcommand's own usage."""

    commands: argparse._SubParsersAction | None = None

    def add_commands(self, **kwargs: Any) -> argparse._SubParsersAction:
        self.commands = self.add_subparsers(**kwargs)
        return self.commands

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            owner: CommandParser = self
            while owner.commands is not None and getattr(parsed, owner.commands.dest, None) in owner.commands.choices:
                owner = owner.commands.choices[getattr(parsed, owner.commands.dest)]
            owner.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed
