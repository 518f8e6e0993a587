"""texmath's OMML, mended where LibreOffice cannot read it (PowerPoint reads either)."""

from __future__ import annotations

from lxml import etree

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"

# A closing bracket, by its opening one.
_BRACKETS = {")": "(", "]": "[", "}": "{", "|": "|"}
_SCRIPTS = ("sSup", "sSub", "sSubSup")


def delimit_brackets(formula: etree._Element) -> None:
    """Brackets that texmath puts in different elements made one delimiter (m:d).

    texmath writes `(a+b)^2` as the runs `(`, `a`, `+`, `b`, then `)` as the base of the
    superscript, and `\\sum_i (a)` as a sum whose body is `(` alone. Word sets that, but
    LibreOffice reads it into its own formula language with an unpaired bracket on each side
    and draws a red ¿ for each. Here a sum's body takes the rest of its group, and a group
    whose closing bracket carries a script becomes a delimiter as `\\left(…\\right)^2` gives."""

    def bracket(element: etree._Element) -> str:
        """The bracket an element stands for: a run of one, or a script on one."""
        name = etree.QName(element).localname
        if name in _SCRIPTS:
            base = element.find(f"{{{M}}}e")
            return bracket(base[0]) if base is not None and len(base) == 1 else ""
        if name != "r":
            return ""
        return "".join(t.text or "" for t in element.iter(f"{{{M}}}t"))

    def step(text: str, closing: str) -> int:
        return 1 if text == _BRACKETS[closing] else -1 if text == closing else 0

    for nary in list(formula.iter(f"{{{M}}}nary")):
        body = nary.find(f"{{{M}}}e")
        opening = bracket(body[-1]) if body is not None and len(body) else ""
        closing = next((c for c, o in _BRACKETS.items() if o == opening), "")
        depth, group, after = 1, [], nary.getnext()
        while closing and depth and after is not None:
            depth += -1 if closing == opening == bracket(after) else step(bracket(after), closing)
            group.append(after)
            after = after.getnext()
        if closing and depth == 0:
            body.extend(group)

    for script in [e for e in formula.iter() if etree.QName(e).localname in _SCRIPTS]:
        closing = bracket(script)
        if closing not in _BRACKETS:
            continue
        depth, opening = 0, script.getprevious()
        while opening is not None and depth >= 0:
            found = bracket(opening)
            depth += -1 if closing == found == _BRACKETS[closing] else -step(found, closing)
            opening = opening if depth < 0 else opening.getprevious()
        if opening is None:
            continue  # a bracket that closes nothing here: left as texmath wrote it
        inside = []
        while opening.getnext() is not script:
            inside.append(opening.getnext())
            script.getparent().remove(inside[-1])
        script.getparent().remove(opening)
        base = script.find(f"{{{M}}}e")
        base.remove(base[0])
        group = etree.SubElement(base, f"{{{M}}}d")
        props = etree.SubElement(group, f"{{{M}}}dPr")
        for name, char in (("begChr", _BRACKETS[closing]), ("endChr", closing)):
            etree.SubElement(props, f"{{{M}}}{name}").set(f"{{{M}}}val", char)
        etree.SubElement(props, f"{{{M}}}grow").set(f"{{{M}}}val", "0")  # as plain brackets
        etree.SubElement(group, f"{{{M}}}e").extend(inside)
