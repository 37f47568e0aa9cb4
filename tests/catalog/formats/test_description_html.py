"""Descriptions are sanitized with nh3 and given a plain-text form."""

from catalog.formats.html_text import sanitize_description


def test_scripts_event_handlers_and_javascript_links_are_removed():
    safe, text = sanitize_description(
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">there</a></p>'
        "<script>alert(1)</script><style>p{}</style><iframe src='https://x.example'></iframe>"
    )

    assert "onclick" not in safe
    assert "javascript:" not in safe
    assert "<script" not in safe
    assert "<iframe" not in safe
    assert "alert" not in text
    assert text == "Hi there"


def test_block_elements_become_lines_and_entities_are_decoded():
    _, text = sanitize_description(
        "<h2>Care</h2><ul><li>Machine&nbsp;wash</li><li>Salt &amp; pepper</li></ul>"
        '<p title="a > b">Line<br>break</p>'
    )

    assert text == "Care\nMachine wash\nSalt & pepper\nLine\nbreak"


def test_plain_text_keeps_its_lines_as_paragraphs_and_is_escaped():
    safe, text = sanitize_description("First line\n\n  Second   line  ")

    assert safe == "<p>First line</p><p>Second line</p>"
    assert text == "First line\nSecond line"


def test_plain_text_and_html_of_the_same_words_give_the_same_text():
    assert (
        sanitize_description("<p>Soft cotton.</p><p>Wash cold.</p>")[1]
        == (sanitize_description("Soft cotton.\nWash cold.")[1])
    )
