"""Plain, well-nested description HTML skips nh3 only where nh3 would return it unchanged."""

import html

import nh3
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.formats.html_text import (
    _ANY_TAG,
    _BLOCK_TAG,
    _CLEANER,
    _is_simple_html,
    normalize_lines,
    sanitize_description,
)

# Pieces of description HTML, well and badly formed, with and without attributes,
# entities and the characters the HTML parser rewrites.
TAGS = ["p", "b", "strong", "i", "em", "u", "ul", "ol", "li", "h1", "h3", "h6", "br", "div"]
PIECES = st.one_of(
    st.sampled_from([f"<{t}>" for t in TAGS] + [f"</{t}>" for t in TAGS]),
    st.sampled_from(
        [
            "<br/>",
            "<P>",
            '<p class="x">',
            "<script>",
            "&amp;",
            "&",
            "<",
            ">",
            "\r",
            "\u00a0",
            "<!-- c -->",
            " ",
            "\n",
            "\t",
            '"',
            "'",
        ]
    ),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=8),
)


def _through_nh3(raw: str) -> tuple[str, str]:
    """sanitize_description's result for HTML the slow way: nh3, then the text of its output.

    (Text without any tag takes sanitize_description's plain-text branch instead.)
    """
    if "<" not in raw:
        return sanitize_description(raw)
    safe = _CLEANER.clean(raw)
    text = html.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub("\n", safe)))
    return safe, normalize_lines(text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_html_taken_as_simple_is_exactly_what_nh3_returns(raw: str):
    if _is_simple_html(raw):
        assert _CLEANER.clean(raw) == raw
        assert sanitize_description(raw) == _through_nh3(raw)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["<p>", "</p>", "<b>", "</b>", "<ul>", "</ul>", "<li>", "</li>", "x", " "]),
        max_size=12,
    ).map("".join)
)
def test_well_formed_shapes_are_found_and_still_match_nh3(raw: str):
    # Mostly tags of the simple set, so that many examples take the fast path.
    if _is_simple_html(raw):
        assert nh3.clean(raw) == raw
        assert sanitize_description(raw) == _through_nh3(raw)


def test_typical_export_descriptions_take_the_fast_path_with_the_same_result():
    typical = [
        "<p>Soft <b>organic cotton</b> tee. Relaxed fit.</p>",
        "<h2>Care</h2>\n<ul>\n<li>Machine wash <em>cold</em></li>\n<li>Line dry</li>\n</ul>",
        "<p>Line one<br>line two</p><p>保温杯 750 ml “double wall”</p>",
    ]
    for raw in typical:
        assert _is_simple_html(raw)
        assert sanitize_description(raw) == _through_nh3(raw)
        assert _CLEANER.clean(raw) == raw


def test_anything_unusual_goes_through_nh3():
    unusual = [
        "<p>a<p>b</p></p>",  # a paragraph cannot hold a paragraph: the parser splits them
        "<b><p>x</p></b>",  # a block inside an inline tag
        "<p>x",  # unclosed
        "<p>Salt &amp; pepper</p>",  # entities
        "<P>x</P>",  # upper case
        '<p class="lead">x</p>',  # attributes
        "<li>x</li>",  # a list item outside a list
        "<p>a\r\nb</p>",  # a carriage return
    ]
    for raw in unusual:
        assert not _is_simple_html(raw)
    assert sanitize_description("<p>x")[0] == "<p>x</p>"
