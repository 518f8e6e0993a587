"""WCAG 2.1 contrast of the theme's colour pairs, checked before anything is built."""

from __future__ import annotations

from slides.errors import ContentError
from slides.theme import Theme, hex_to_rgb

BODY, LARGE = 4.5, 3.0  # AA minimums: body text, large text (≥ 18 pt, or 14 pt bold)

# (foreground, background, minimum, where the pair is used)
PAIRS = (
    ("text", "background", BODY, "body text"),
    ("heading", "background", LARGE, "slide titles"),
    ("muted", "background", BODY, "captions, footers and slide numbers"),
    ("accent", "background", BODY, "links"),
    ("text", "surface", BODY, "table cells and code"),
    ("accent_text", "accent", LARGE, "section slides and diagram centres"),
)


def luminance(color: str) -> float:
    """Relative luminance of a #RRGGBB colour (WCAG 2.1)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in hex_to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(foreground: str, background: str) -> float:
    """Contrast ratio between two colours, from 1 to 21."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def contrast_failures(theme: Theme) -> list[tuple[str, str]]:
    """(colour key, message) for every colour pair of the theme below WCAG 2.1 AA."""
    failures = []
    for fg, bg, minimum, use in PAIRS + code_pairs(theme):
        value = ratio(theme.color(fg), theme.color(bg))
        if value < minimum:
            nearest = passing(theme.color(fg), theme.color(bg), minimum)
            key = theme_key(fg)
            failures.append(
                (
                    key,
                    f"{key} {theme.color(fg)} on {theme_key(bg)} {theme.color(bg)} has contrast "
                    f"{value:.2f}:1; {use} need at least {minimum}:1 (WCAG 2.1 AA). The "
                    f'nearest that passes:  {key}: "{nearest}"',
                )
            )
    return failures


def passing(foreground: str, background: str, minimum: float) -> str:
    """The colour nearest to `foreground` (mixed towards black or white) that meets `minimum`."""
    rgb = hex_to_rgb(foreground)
    towards = 0 if luminance(background) > 0.18 else 255  # away from the background
    for step in range(1, 101):
        mixed = [round(c + (towards - c) * step / 100) for c in rgb]
        candidate = "#{:02X}{:02X}{:02X}".format(*mixed)
        if ratio(candidate, background) >= minimum:
            return candidate
    return "#000000" if towards == 0 else "#FFFFFF"


def check_contrast(theme: Theme) -> None:
    """Raise a ContentError, located in theme.yaml, naming every pair below WCAG 2.1 AA."""
    failures = contrast_failures(theme)
    if failures:
        raise ContentError([theme.problem(f"colors.{key}", text) for key, text in failures])


def theme_key(role: str) -> str:
    """A colour role's key under `colors:` in theme.yaml (the role code_keyword is code.keyword)."""
    if role.startswith("code_") and role != "code_mark":
        return "code." + role.removeprefix("code_")
    return role


def code_pairs(theme: Theme) -> tuple[tuple[str, str, float, str], ...]:
    """Code colours (the palette, line numbers, plain code) on the code box and marked lines."""
    grounds = [g for g in ("surface", "code_mark") if g in theme.colors]
    palette = [name for name in theme.colors if name.startswith("code_") and name != "code_mark"]
    colours = ["text", "muted", *palette]
    return tuple(
        (fg, bg, BODY, "code")
        for fg in colours
        for bg in grounds
        if (fg, bg) not in {(pair[0], pair[1]) for pair in PAIRS}
    )


PAPER = "#FFFFFF"
PAPER_ROLES = ("text", "heading", "muted", "accent")  # what a handout page itself is set in
STRONG = 7.0  # AAA: a colour that had to be changed reads well on paper, not just enough


def on_paper(theme: Theme) -> dict[str, str]:
    """The theme's text colours for a handout page (white paper). One that does not reach its
    minimum there (a dark theme's light text) is mixed towards black until it reads at 7:1."""
    minimum = {fg: least for fg, bg, least, _ in PAIRS if bg == "background"}
    colours = {}
    for role in PAPER_ROLES:
        colour = theme.color(role)
        ok = ratio(colour, PAPER) >= minimum[role]
        colours[role] = colour if ok else passing(colour, PAPER, STRONG)
    return colours


def readable_on(fill: str, theme: Theme) -> str:
    """The theme's text or accent_text colour, whichever reads better on a fill colour."""
    candidates = (theme.color("text"), theme.color("accent_text"))
    return max(candidates, key=lambda color: ratio(color, fill))
