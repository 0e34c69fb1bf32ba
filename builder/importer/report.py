"""The report an import prints: what was imported and mapped, what was converted, what a person must look at."""
from __future__ import annotations

from collections import Counter

from . import Imported

_SHOWN_ALIASES = 10  # old addresses listed before "and N more"


def format_report(done: Imported) -> str:
    """The import's report, as lines of text."""
    plan = done.plan
    drafts = f" ({plan.drafts} draft{'s' if plan.drafts != 1 else ''})" if plan.drafts else ""
    lines = [f"Imported {plan.reports} report{'s' if plan.reports != 1 else ''}{drafts} from the {done.tool} site "
             f"{done.source} into {done.root}.",
             f"Files: {len(done.written)} written, {len(done.unchanged)} unchanged"
             + (f", {len(done.kept)} kept as they were (they exist and differ; --force overwrites them): "
                + ", ".join(done.kept) if done.kept else "") + "."]
    keys = ", ".join(plan.settings) or "none"
    if done.settings_file:
        lines.append(f"Settings: {done.settings_file} from {', '.join(done.settings_from) or 'defaults'}: {keys}.")
    else:
        lines.append(f"Settings: pyproject.toml has [tool.trendsite] already, so none were written; the "
                     f"{done.tool} site's give {keys}: " + ", ".join(f"{k} = {v!r}" for k, v in plan.settings.items()))
    lines += _counted("Fields mapped", plan.mapped, "report")
    if plan.extra:
        lines.append("  kept under extra: " + ", ".join(f"{k} ({n})" for k, n in sorted(plan.extra.items())))
    lines += _counted("Conversions", plan.conversions, "")
    if plan.aliases:
        lines.append(f"Old addresses: {len(plan.aliases)}, each an alias its report redirects from once built "
                     "(a page, and a line of _redirects):")
        lines += [f"  {old} -> {new}" for old, new in plan.aliases[:_SHOWN_ALIASES]]
        if len(plan.aliases) > _SHOWN_ALIASES:
            lines.append(f"  and {len(plan.aliases) - _SHOWN_ALIASES} more")
    if done.skipped:
        lines.append(f"Not imported ({len(done.skipped)}):")
        lines += [f"  {item}" for item in done.skipped]
    look = plan.look + ([f"{done.settings_file or 'pyproject.toml'}: broken_links = \"warn\", so that the site builds "
                         f"with the {plan.unresolved} link(s) above; set it back once they are fixed"]
                        if plan.unresolved else [])
    lines.append(f"Look at ({len(look)}):" if look else "Nothing left to look at.")
    lines += [f"  {item}" for item in look]
    lines.append(f"Next: trendsite check --root {done.root}")
    return "\n".join(lines)


def _counted(title: str, counts: Counter[str], unit: str) -> list[str]:
    if not counts:
        return []
    width = max(map(len, counts))
    suffix = lambda n: f" {unit}{'s' if n != 1 else ''}" if unit else ""  # noqa: E731
    return [f"{title}:"] + [f"  {name:{width}}  {count}{suffix(count)}" for name, count in sorted(counts.items())]
