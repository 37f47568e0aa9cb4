"""The ``openai`` client for the media backends: settings checked at start-up, errors mapped.

The image and speech backends refuse to start without an endpoint and a key, naming the
setting: unlike the text writer, whose usual targets are local servers, they would
otherwise send every product to api.openai.com by default, or fail on the first call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from content.providers.base import OptionProblem, ProviderError, ProviderUnavailable

BASE_URL_SETTING = "OPENAI_BASE_URL"
API_KEY_SETTING = "OPENAI_API_KEY"


def openai_client(
    *,
    backend: str,
    base_url: str | None,
    api_key: str | None,
    timeout_s: float,
    max_retries: int = 0,
) -> Any:
    """An ``openai.OpenAI`` client; ProviderUnavailable names each missing setting.

    `base_url` and `api_key` come from the backend's OPTIONS, which settings fill from the
    environment variables of the same names; nothing here reads the environment, so a
    backend is configured in one place.
    """
    base_url = (base_url or "").strip()
    api_key = (api_key or "").strip()
    missing = [
        name for name, value in ((BASE_URL_SETTING, base_url), (API_KEY_SETTING, api_key))
        if not value
    ]  # fmt: skip
    if missing:
        raise ProviderUnavailable(
            f"The openai {backend} backend needs {' and '.join(missing)} set "
            f"(for OpenAI itself {BASE_URL_SETTING}=https://api.openai.com/v1; a local "
            "server takes any key)."
        )
    try:
        import openai
    except ImportError:
        raise ProviderUnavailable(
            f"The openai {backend} backend needs the Python package 'openai' "
            "(see requirements.txt)."
        ) from None
    # The pipeline retries transient errors with backoff; the client should not as well.
    return openai.OpenAI(
        base_url=base_url, api_key=api_key, timeout=timeout_s, max_retries=max_retries
    )


def endpoint_problems(
    options: Mapping[str, Any], *, backend: str, named: Mapping[str, str] | None = None
) -> list[OptionProblem]:
    """The start-up check's findings for an openai media backend: an endpoint and key are
    needed, and ``named`` options (option -> environment variable), where given, not empty."""
    needed = {"base_url": BASE_URL_SETTING, "api_key": API_KEY_SETTING}
    problems = [
        OptionProblem(option, f"the openai {backend} backend needs it; set {variable}.")
        for option, variable in needed.items()
        if not str(options.get(option) or "").strip()
    ]
    problems += [
        OptionProblem(option, f"empty; set {variable}.")
        for option, variable in (named or {}).items()
        if option in options and not str(options[option] or "").strip()
    ]
    return problems


def provider_error(error: Exception, *, model: str) -> ProviderError:
    """A ProviderError for an ``openai.APIError``: timeouts, lost connections, 408/409/429
    and 5xx are transient (the pipeline retries them); other statuses are not."""
    import openai

    if isinstance(error, openai.APITimeoutError | openai.APIConnectionError):
        return ProviderError(f"{model}: {error}", transient=True)
    if isinstance(error, openai.APIStatusError):
        transient = error.status_code >= 500 or error.status_code in {408, 409, 429}
        return ProviderError(
            f"{model}: HTTP {error.status_code}: {error.message}", transient=transient
        )
    return ProviderError(f"{model}: {error}", transient=True)  # a response that broke off
