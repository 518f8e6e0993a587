"""The inline syntax shared by every renderer."""

from slides.inline import Span, parse, plain


def test_bold_italic_code_and_link() -> None:
    assert parse("a **b** *c* `d*e` [f](https://x.org)") == (
        Span("a "),
        Span("b", bold=True),
        Span(" "),
        Span("c", italic=True),
        Span(" "),
        Span("d*e", code=True),
        Span(" "),
        Span("f", href="https://x.org"),
    )


def test_unclosed_and_escaped_markers_stay_literal() -> None:
    assert plain("2 * 3 and un**closed") == "2 * 3 and un**closed"
    assert parse(r"\*not italic\*") == (Span("*not italic*"),)


def test_unsafe_links_stay_text() -> None:
    assert parse("[x](javascript:alert(1))") == (Span("[x](javascript:alert(1))"),)
    assert parse("[mail](mailto:a@b.org)")[0].href == "mailto:a@b.org"


def test_markup_of_other_formats_is_plain_text() -> None:
    hostile = "<script>alert(1)</script> {{ x }} #import ::: $ x $ \\$x\\$"
    assert parse(hostile) == (Span(hostile.replace("\\$", "$")),)


def test_dollars_are_math_only_as_pandoc_reads_them() -> None:
    assert parse("$x$")[0] == Span("x", math="inline")
    assert parse("$$ \\sum_i $$")[0] == Span("\\sum_i", math="display")
    for text in ("$20 and $30", "$ x$", "$x $", "$5$6", "\\$x$"):
        assert all(span.math is None for span in parse(text)), text
