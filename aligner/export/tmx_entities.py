"""Entities in a TMX: declared in its DOCTYPE or referenced in its text. We never expand them
(an external entity reads local files or the network, nested ones explode), so a TMX that uses
them cannot be read faithfully: ``tmx-check`` lists them and ``read_tmx`` refuses the file."""
from __future__ import annotations


def entity_problems(tree) -> list[str]:
    """One line per entity declared in the DOCTYPE's internal subset or referenced in the document."""
    from lxml import etree

    problems: list[str] = []
    dtd = tree.docinfo.internalDTD
    if dtd is not None:
        for entity in dtd.iterentities():
            if entity.system_url:
                problems.append(f"DOCTYPE declares the external entity {entity.name!r} (SYSTEM {entity.system_url!r}): "
                                "CAT tools may read that file or URL; remove it")
            else:
                problems.append(f"DOCTYPE declares the entity {entity.name!r}: its text is lost by readers that do not "
                                "expand entities; write the text itself")
    used = sorted({node.name for node in tree.getroot().iter(etree.Entity)})
    if used:
        shown = ", ".join(f"&{name};" for name in used[:10]) + (" ..." if len(used) > 10 else "")
        problems.append(f"the text refers to entities {shown} (not expanded: their text would be lost)")
    return problems
