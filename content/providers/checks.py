"""The start-up system check of ``SHOP_AI_PROVIDERS``: every error names the entry to fix.

Run by ``manage.py check`` and before ``runserver``, ``migrate`` and the other commands, so a
worker or host configured with a backend that cannot start is refused before it takes work.
Nothing is built: classes are imported, options compared with their constructor, and a
backend's own ``check_options`` (see ``content.providers.base``) looks for its files.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error

from content.providers.base import OptionProblem, ProviderUnavailable
from content.providers.registry import (
    DEFAULT_ALIAS,
    ENTRY_KEYS,
    MODALITIES,
    PER_LOCALE,
    SETTING,
    backend_class,
    entry_from,
    language_of,
    setting_path,
)
from locales import registered_locales

HINT = "See the README's Providers section for each backend's OPTIONS and variables."


def check_providers(app_configs: Sequence[AppConfig] | None = None, **_: Any) -> list[CheckMessage]:
    value = getattr(settings, SETTING, None)
    if not isinstance(value, Mapping):
        return [_error("E001", f"{SETTING} must be a dict of modality to backend entry.")]
    errors: list[CheckMessage] = []
    for modality in value:
        if modality not in MODALITIES:
            errors.append(
                _error(
                    "E002",
                    f"{setting_path(str(modality))}: unknown modality; "
                    f"known: {', '.join(MODALITIES)}.",
                )
            )
    for modality in MODALITIES:
        if modality not in value:
            errors.append(_error("E003", f"{setting_path(modality)} is missing."))
        elif modality in PER_LOCALE:
            errors += _check_per_locale(modality, value[modality])
        else:
            errors += _check_entry((modality,), value[modality])
    return errors


def _check_per_locale(modality: str, aliases: Any) -> list[CheckMessage]:
    if not isinstance(aliases, Mapping) or not aliases:
        return [_error("E004", f"{setting_path(modality)} must be a dict of locale to entry.")]
    languages = {locale.language for locale in registered_locales()}
    errors: list[CheckMessage] = []
    for alias, raw in aliases.items():
        if alias != DEFAULT_ALIAS and language_of(str(alias)) not in languages:
            errors.append(
                _error(
                    "E005",
                    f"{setting_path(modality, str(alias))}: no registered locale speaks "
                    f"{alias!r}; use a locale code or {DEFAULT_ALIAS!r}.",
                )
            )
        errors += _check_entry((modality, str(alias)), raw)
    if DEFAULT_ALIAS not in aliases:
        covered = {language_of(str(alias)) for alias in aliases}
        for locale in registered_locales():
            if locale.language not in covered:
                errors.append(
                    _error(
                        "E006",
                        f"{setting_path(modality)}: nothing speaks {locale.code!r}; add "
                        f"{setting_path(modality, locale.code)} or "
                        f"{setting_path(modality, DEFAULT_ALIAS)}.",
                    )
                )
    return errors


def _check_entry(keys: tuple[str, ...], raw: Any) -> list[CheckMessage]:
    try:
        item = entry_from(keys, raw)
    except ProviderUnavailable as exc:
        return [_error("E010", str(exc))]
    errors: list[CheckMessage] = [
        _error(
            "E011", f"{setting_path(*keys)}: unknown key {key!r}; an entry has BACKEND, OPTIONS."
        )
        for key in raw
        if key not in ENTRY_KEYS
    ]
    try:
        cls = backend_class(item)
    except ProviderUnavailable as exc:
        return [*errors, _error("E020", str(exc))]
    options_at = setting_path(*keys, "OPTIONS")
    errors += _check_signature(cls, item.options, options_at)
    check_options = getattr(cls, "check_options", None)
    if callable(check_options):
        try:
            problems: list[OptionProblem] = check_options(item.options)
        except (TypeError, ValueError, OSError) as exc:  # e.g. a path option that is a number
            return [*errors, _error("E041", f"{options_at}: cannot be checked: {exc}")]
        errors += [
            _error("E040", f"{setting_path(*keys, 'OPTIONS', p.option)}: {p.message}")
            for p in problems
        ]
    return errors


def _check_signature(cls: type[Any], options: Mapping[str, Any], where: str) -> list[CheckMessage]:
    """Options the constructor does not take, and keyword arguments it needs but lacks."""
    try:
        parameters = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):  # a class without a readable signature: trust it
        return []
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return []
    named = {
        p.name: p
        for p in parameters
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    }
    errors: list[CheckMessage] = [
        _error(
            "E030",
            f'{where}["{key}"]: {cls.__name__} takes no option {key!r}; '
            f"it takes {', '.join(sorted(named)) or 'none'}.",
        )
        for key in options
        if key not in named
    ]
    errors += [
        _error("E031", f'{where}["{name}"]: {cls.__name__} needs this option.')
        for name, parameter in named.items()
        if parameter.default is inspect.Parameter.empty and name not in options
    ]
    return errors


def _error(code: str, message: str) -> Error:
    return Error(message, hint=HINT, id=f"providers.{code}")
