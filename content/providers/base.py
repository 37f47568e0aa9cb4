"""What every generation backend returns, and the errors they raise (plain Python).

Providers are small: one interface per modality (text, speech, video, embeddings, image),
each backend a class named by ``SHOP_AI_PROVIDERS`` and built with its ``OPTIONS`` as keyword
arguments by ``content.providers.registry``. They read no environment variables, do no I/O
on the database and never download weights: a backend whose files are missing raises
``ProviderUnavailable`` naming the setting to set. A backend with files to find may offer a
``check_options(options)`` classmethod returning ``OptionProblem``s, which the start-up
system check reports under the option's setting without building the backend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class ProviderError(Exception):
    """A generation call failed. ``transient`` errors (timeouts, 5xx) may be retried."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class ProviderUnavailable(ProviderError):
    """A backend cannot start: weights, binaries or settings are missing.

    The message names what to install or which setting to set.
    """


@dataclass(frozen=True)
class OptionProblem:
    """One option a backend cannot start with: its key in ``OPTIONS`` and what is wrong."""

    option: str
    message: str


@dataclass(frozen=True)
class Cost:
    """What one call cost: tokens for text models, compute seconds for local models, and
    an estimate of money for paid APIs (zero for local backends)."""

    input_tokens: int = 0
    output_tokens: int = 0
    compute_seconds: float = 0.0
    money_usd: Decimal = Decimal("0")

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            compute_seconds=self.compute_seconds + other.compute_seconds,
            money_usd=self.money_usd + other.money_usd,
        )


@dataclass(frozen=True)
class Provenance:
    """Which backend and model made an output, with what prompt and parameters."""

    provider: str
    model: str
    prompt: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    cost: Cost = field(default_factory=Cost)
    latency_s: float = 0.0
