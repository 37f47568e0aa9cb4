"""What model-backed writers share: the prompt built from the plan, and checking the reply.

The model only phrases: the plan (the catalog facts as a compact list) is the whole of what
it may say. Its reply is parsed, validated, grounded and checked for advertising rules;
compliance errors with a safe fix are fixed, and anything else makes the template writer's
copy the result, with the reason recorded.
"""

from __future__ import annotations

import dataclasses

from content.compliance import rewrite_compliant
from content.findings import Finding
from content.providers.base import Provenance
from content.providers.text.plan import format_money, plan_lines
from content.providers.text.product_copy import (
    BULLETS_MAX,
    BULLETS_MIN,
    HEADLINE_MAX_CHARS,
    SCRIPT_MAX_LINES,
    SCRIPT_MIN_LINES,
    SECTION_SEPARATOR,
    CopyParseError,
    CopyRequest,
    CopyResult,
    ProductCopy,
    check_copy,
    errors_in,
)
from content.providers.text.template import TemplateWriter

# Small models follow a format best when the reply is already started for them.
JSON_PREFILL = '{"headline": "'

_LANGUAGES = {"en": "English", "zh-CN": "Simplified Chinese (简体中文)"}


def system_prompt(request: CopyRequest) -> str:
    return (
        "You write product copy for an online store. "
        f"Write in {_LANGUAGES[request.locale]}, in a {request.tone} tone. "
        "Use only the facts you are given: never add numbers, sizes, materials, "
        "certifications, awards, reviews, shipping or stock claims that are not in the facts. "
        "Never use superlatives such as best, #1, 最佳 or 第一. Reply with JSON only."
    )


def user_prompt(request: CopyRequest) -> str:
    price = format_money(request.facts.price, request.facts.currency)
    facts = "\n".join(f"- {line}" for line in plan_lines(request))
    return (
        f"Facts:\n{facts}\n\n"
        "Write one JSON object with these keys:\n"
        f'"headline": at most {HEADLINE_MAX_CHARS} characters,\n'
        '"short_description": one or two sentences,\n'
        f'"bullets": a list of {BULLETS_MIN} to {BULLETS_MAX} short feature lines,\n'
        '"long_description": one paragraph,\n'
        f'"video_script": a list of {SCRIPT_MIN_LINES} to {SCRIPT_MAX_LINES} short spoken '
        f"sentences; the last one tells viewers to buy now for {price}."
    )


def chat_messages(request: CopyRequest) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": system_prompt(request)},
        {"role": "user", "content": user_prompt(request)},
    ]


def result_from_output(
    request: CopyRequest,
    output: str,
    *,
    provenance: Provenance,
    template: TemplateWriter | None = None,
) -> CopyResult:
    """The model's copy when it is well formed, grounded and compliant (after safe fixes);
    otherwise the template writer's copy, with the reason and the model's findings kept."""
    template = template or TemplateWriter()

    def fall_back(reason: str, findings: list[Finding]) -> CopyResult:
        return CopyResult(
            copy=template.compose(request),
            provenance=dataclasses.replace(
                provenance, params={**provenance.params, "copy_source": template.name}
            ),
            findings=findings,
            fell_back=True,
            fallback_reason=reason,
            raw_output=output,
        )

    try:
        copy = ProductCopy.from_json(output)
    except CopyParseError as error:
        return fall_back(f"unparseable output: {error}", [])
    findings = check_copy(copy, request)
    errors = errors_in(findings)
    problems = copy.validate(request.facts, locale=request.locale)
    fixed = _fixed_copy(copy, errors, request) if errors and not problems else copy
    if problems or fixed is None:
        reasons = [_describe(errors)] if errors else []
        if problems:
            reasons.append(f"invalid copy: {'; '.join(problems)}")
        return fall_back("; ".join(reasons), findings)
    copy = fixed
    return CopyResult(
        copy=copy,
        provenance=dataclasses.replace(
            provenance, params={**provenance.params, "copy_source": provenance.provider}
        ),
        findings=findings,
        raw_output=output,
    )


def _fixed_copy(
    copy: ProductCopy, errors: list[Finding], request: CopyRequest
) -> ProductCopy | None:
    """The copy with every error safely rewritten ("the best" → "a great"), or None."""
    rewritten, changes = rewrite_compliant(copy.as_text(), errors)
    if not changes:
        return None
    sections = rewritten.split(SECTION_SEPARATOR)
    if len(sections) != 5:
        return None
    headline, short_description, bullets, long_description, script = sections
    fixed = ProductCopy(
        headline=headline,
        short_description=short_description,
        bullets=tuple(bullets.split("\n")),
        long_description=long_description,
        video_script=tuple(script.split("\n")),
    )
    if errors_in(check_copy(fixed, request)) or fixed.validate(
        request.facts, locale=request.locale
    ):
        return None
    return fixed


def _describe(errors: list[Finding]) -> str:
    grounding = [f"'{f.excerpt}'" for f in errors if f.rule_id.startswith("grounding.")]
    rules = sorted({f.rule_id for f in errors if not f.rule_id.startswith("grounding.")})
    parts = []
    if grounding:
        parts.append(f"facts not in the catalog: {', '.join(grounding[:5])}")
    if rules:
        parts.append(f"advertising-rule errors: {', '.join(rules)}")
    return "; ".join(parts)
