"""What model-backed writers share: the prompt built from the plan, and checking the reply.

The model only phrases: the plan (the catalog facts as a compact list) is the whole of what
it may say. Its reply is parsed, validated, grounded and checked for advertising rules;
compliance errors with a safe fix are fixed, and anything else makes the template writer's
copy the result, with the reason recorded.

A reply without the schema-2 fields (SEO title and description, keywords, shot list) is
completed rather than thrown away: the SEO texts and keywords come from the template
writer, which takes them from the facts, and the shot list is planned from the model's own
script. Which fields were completed is recorded in the provenance's ``filled_from_template``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from content.providers.base import Provenance
from content.providers.text.plan import plan_lines
from content.providers.text.product_copy import (
    BULLETS_MIN,
    BULLETS_TARGET,
    HEADLINE_MAX_CHARS,
    KEYWORDS_MAX,
    KEYWORDS_TARGET,
    SCRIPT_MAX_LINES,
    SCRIPT_MIN_LINES,
    SECTION_SEPARATOR,
    SEO_DESCRIPTION_MAX_CHARS,
    SEO_TITLE_MAX_CHARS,
    SHOT_SOURCES,
    SHOTS_MAX,
    SHOTS_MIN,
    VIDEO_MAX_SECONDS,
    VIDEO_MIN_SECONDS,
    CopyParseError,
    CopyRequest,
    CopyResult,
    ProductCopy,
    check_copy,
    errors_in,
)
from content.providers.text.shots import plan_shots
from content.providers.text.template import TemplateWriter, has_offer
from trust.compliance import rewrite_compliant
from trust.findings import Finding


def system_prompt(request: CopyRequest) -> str:
    return (
        "You write product copy for an online store. "
        f"Write in {request.locale.name}, in a {request.tone} tone. "
        "Use only the facts you are given: never add numbers, sizes, materials, "
        "certifications, awards, reviews, shipping or stock claims that are not in the facts. "
        "Never use superlatives such as best, #1, 最佳 or 第一. Reply with JSON only."
    )


def user_prompt(request: CopyRequest, *, shot_list: bool = True) -> str:
    """The facts and the JSON to write. `shot_list=False` leaves the shot list out of the ask
    (it is then planned from the script): a small local model's token budget runs out first."""
    price = request.locale.format_money(request.facts.price, request.facts.currency)
    facts = "\n".join(f"- {line}" for line in plan_lines(request))
    keys = [
        f'"headline": at most {HEADLINE_MAX_CHARS} characters,',
        '"short_description": one or two sentences,',
        f'"bullets": a list of {BULLETS_TARGET} short feature lines, each stating a fact '
        f"(at least {BULLETS_MIN}; fewer than {BULLETS_TARGET} only when the facts run out),",
        '"long_description": one paragraph,',
        f'"video_script": a list of {SCRIPT_MIN_LINES} to {SCRIPT_MAX_LINES} short spoken '
        f"sentences; the last one tells viewers to buy now for {price},",
        f'"seo_title": a search-result title of at most {SEO_TITLE_MAX_CHARS} characters,',
        f'"seo_description": a search-result summary of at most {SEO_DESCRIPTION_MAX_CHARS} '
        "characters,",
        f'"keywords": a list of {KEYWORDS_TARGET} to {KEYWORDS_MAX} lower-case search terms '
        "taken from the product, brand, category and facts,",
    ]
    if shot_list:
        keys.append(
            f'"shot_list": {SHOTS_MIN} to {SHOTS_MAX} shots for the vertical video, in order '
            "(hook, features, offer, call to action), each an object with "
            '"description" (what is on screen), "source" (one of '
            f'{", ".join(SHOT_SOURCES)}) and "duration_s" (seconds); the durations add up '
            f"to {VIDEO_MIN_SECONDS:g} to {VIDEO_MAX_SECONDS:g} seconds."
        )
    return f"Facts:\n{facts}\n\nWrite one JSON object with these keys:\n" + "\n".join(keys)


def chat_messages(request: CopyRequest, *, shot_list: bool = True) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": system_prompt(request)},
        {"role": "user", "content": user_prompt(request, shot_list=shot_list)},
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
    template_copies: list[ProductCopy] = []

    def template_copy() -> ProductCopy:
        if not template_copies:  # composed at most once, and only when needed
            template_copies.append(template.compose(request))
        return template_copies[0]

    def fall_back(reason: str, findings: list[Finding]) -> CopyResult:
        return CopyResult(
            copy=template_copy(),
            provenance=dataclasses.replace(
                provenance, params={**provenance.params, "copy_source": template.name}
            ),
            findings=findings,
            fell_back=True,
            fallback_reason=reason,
            raw_output=output,
        )

    try:
        copy = ProductCopy.from_json(output, locale=request.locale)
    except CopyParseError as error:
        return fall_back(f"unparseable output: {error}", [])
    filled = copy.missing_fields()
    if filled:
        copy = _completed(copy, filled, request, template_copy)
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
    params = {**provenance.params, "copy_source": provenance.provider}
    if filled:
        params["filled_from_template"] = filled
    return CopyResult(
        copy=copy,
        provenance=dataclasses.replace(provenance, params=params),
        findings=findings,
        raw_output=output,
    )


def _completed(
    copy: ProductCopy,
    missing: list[str],
    request: CopyRequest,
    template_copy: Callable[[], ProductCopy],
) -> ProductCopy:
    """The model's copy with its missing schema-2 fields filled in (see the module's doc)."""
    changes: dict[str, Any] = {}
    for name in missing:
        if name == "shot_list":
            changes[name] = plan_shots(
                copy.video_script,
                locale=request.locale,
                has_offer=has_offer(request.facts, request.locale),
            )
        else:
            changes[name] = getattr(template_copy(), name)
    return dataclasses.replace(copy, **changes)


def _fixed_copy(
    copy: ProductCopy, errors: list[Finding], request: CopyRequest
) -> ProductCopy | None:
    """The copy with every error safely rewritten ("the best" → "a great"), or None.

    Each section is rewritten on its own, with the errors that fall inside it.
    """
    texts: dict[str, str] = {}
    start = 0
    changed = False
    for name, text in copy.sections():
        end = start + len(text)
        inside = [
            dataclasses.replace(f, start=f.start - start, end=f.end - start)
            for f in errors
            if start <= f.start and f.end <= end
        ]
        if inside:
            rewritten, changes = rewrite_compliant(text, inside)
            if changes:
                texts[name] = rewritten
                changed = True
        start = end + len(SECTION_SEPARATOR)
    if not changed:
        return None
    fixed = copy.with_section_texts(texts)
    if fixed is None:
        return None
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
