"""What a row hands back, and ``docs/benchmarks.md`` written from the rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Goal:
    text: str
    measured: str
    holds: bool | None  # None: not measured in this build


@dataclass
class Row:
    title: str
    table: list[list[str]] = field(default_factory=list)  # the first line is the header
    goals: list[Goal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plans: list[tuple[str, str]] = field(default_factory=list)  # (caption, EXPLAIN output)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms" if seconds < 0.01 else f"{seconds * 1000:.1f} ms"


def ratio(value: float) -> str:
    return f"{value:.1f}×" if value < 100 else f"{value:,.0f}×"


def verdict(goal: Goal) -> str:
    return {True: "holds", False: "**fails**", None: "not measured"}[goal.holds]


def markdown_table(lines: list[list[str]]) -> str:
    header, *body = lines
    out = [f"| {' | '.join(header)} |", f"|{'|'.join('---' for _ in header)}|"]
    out += [f"| {' | '.join(line)} |" for line in body]
    return "\n".join(out)


def render(
    *, intro: str, machine: list[list[str]], sizes: list[list[str]], rows: list[Row], design: str
) -> str:
    goals = [[row.title, g.text, g.measured, verdict(g)] for row in rows for g in row.goals]
    parts = [
        intro,
        "## Machine\n\n" + markdown_table(machine),
        "## Data set\n\n" + markdown_table(sizes),
        "## Goals at a glance\n\n"
        + markdown_table([["row", "goal", "measured", "verdict"], *goals]),
    ]
    for row in rows:
        section = [f"## {row.title}"]
        if row.table:
            section.append(markdown_table(row.table))
        section += row.notes
        for caption, plan in row.plans:
            section.append(f"{caption}\n\n```\n{plan}\n```")
        parts.append("\n\n".join(section))
    parts.append(design)
    return "\n\n".join(parts).rstrip() + "\n"
