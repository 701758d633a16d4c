"""The typed model of a policy plan, as the parser reads it. Knows nothing of RDF or HTTP.

Every class is a frozen dataclass; collections are tuples, so a parsed plan can be shared and
compared safely. `to_json` gives the JSON shape that docs/design.md fixes for `hgkbp-ld parse`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class ItemList:
    items: tuple[str, ...]
    style: Literal["bullet", "numbered"] = "bullet"
    kind: Literal["list"] = "list"


Block = Paragraph | ItemList


@dataclass(frozen=True)
class PortfolioRef:
    """A ministerial portfolio as an action names it, resolved through the portfolio register."""

    slug: str
    label: str
    as_printed: str


@dataclass(frozen=True)
class PlanRef:
    """Another plan named in the text, resolved through the plan register."""

    slug: str
    name: str  # as printed


@dataclass(frozen=True)
class Timeline:
    text: str
    start_year: int | None
    end_year: int | None


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str  # as printed, URLs included
    urls: tuple[str, ...]
    line: int

    @property
    def citation(self) -> str:
        """The footnote's words without its URLs and the separator before them ("" for a bare link)."""
        text = self.text
        for url in self.urls:
            text = text.replace(url, " ")
        return " ".join(text.split()).rstrip(":,; ").strip()


@dataclass(frozen=True)
class Action:
    number: int
    title: str
    operational_goal: str  # e.g. "OD1.1"
    goal: str  # e.g. "HD1"
    description: tuple[Block, ...]
    responsible: tuple[PortfolioRef, ...]
    collaborators: tuple[PortfolioRef, ...]
    other_partners: tuple[str, ...]
    timeline: Timeline | None
    indicators: tuple[str, ...]
    refers_to_action: int | None
    footnotes: tuple[int, ...]
    line: int


@dataclass(frozen=True)
class OperationalGoal:
    code: str  # "OD1.1"
    goal: str  # "HD1"
    title: str
    actions: tuple[int, ...]
    line: int
    # Text under the heading when the goal has no actions of its own (e.g. "De acties … zijn opgenomen in …").
    description: tuple[Block, ...] = ()


@dataclass(frozen=True)
class HorizontalGoal:
    code: str  # "HD1"
    number: int
    title: str  # from the goal list of the framework section (1.3)
    heading: str  # the section heading as printed
    introduction: tuple[Block, ...]
    related_plans: tuple[PlanRef, ...]
    operational_goals: tuple[OperationalGoal, ...]
    line: int


@dataclass(frozen=True)
class PlanIdentity:
    """A plan's title, abbreviation and period as its toml gives them (each may be left out, and is
    then found in the text by rule); `toml` names the file for messages."""

    title: str | None = None
    abbreviation: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    toml: str | None = None


@dataclass(frozen=True)
class PlanInfo:
    title: str | None
    abbreviation: str | None
    start_year: int | None
    end_year: int | None
    principles: tuple[str, ...]
    complementary_plans: tuple[PlanRef, ...]
    footnotes: tuple[int, ...]


@dataclass(frozen=True)
class ReportEntry:
    """One anomaly the parser met in the text and what it did about it."""

    line: int
    kind: str
    message: str
    action: int | None = None


@dataclass(frozen=True)
class ParsedPlan:
    plan: PlanInfo
    goals: tuple[HorizontalGoal, ...]
    actions: tuple[Action, ...]
    footnotes: tuple[Footnote, ...]
    report: tuple[ReportEntry, ...] = field(default=())

    def action(self, number: int) -> Action:
        for action in self.actions:
            if action.number == number:
                return action
        raise KeyError(number)


# --- JSON (the shape of `hgkbp-ld parse --format json`, fixed by docs/design.md) ------------------


def _block_json(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    return {"type": "list", "style": block.style, "items": list(block.items)}


def _plan_ref_json(ref: PlanRef) -> dict[str, str]:
    return {"name": ref.name, "plan": ref.slug}


def _action_json(action: Action) -> dict[str, Any]:
    timeline = action.timeline
    return {
        "number": action.number,
        "title": action.title,
        "operational_goal": action.operational_goal,
        "goal": action.goal,
        "description": [_block_json(b) for b in action.description],
        "responsible": [p.label for p in action.responsible],
        "collaborators": [p.label for p in action.collaborators],
        "other_partners": list(action.other_partners),
        "timeline": None
        if timeline is None
        else {"text": timeline.text, "start_year": timeline.start_year, "end_year": timeline.end_year},
        "indicators": list(action.indicators),
        "refers_to_action": action.refers_to_action,
        "footnotes": list(action.footnotes),
    }


def to_json(parsed: ParsedPlan) -> dict[str, Any]:
    info = parsed.plan
    return {
        "plan": {
            "title": info.title,
            "abbreviation": info.abbreviation,
            "start_year": info.start_year,
            "end_year": info.end_year,
            "principles": list(info.principles),
            "complementary_plans": [_plan_ref_json(r) for r in info.complementary_plans],
            "footnotes": list(info.footnotes),
        },
        "goals": [
            {
                "code": g.code,
                "number": g.number,
                "title": g.title,
                "heading": g.heading,
                "introduction": [_block_json(b) for b in g.introduction],
                "related_plans": [_plan_ref_json(r) for r in g.related_plans],
                "operational_goals": [
                    {"code": od.code, "title": od.title, "actions": list(od.actions)} for od in g.operational_goals
                ],
            }
            for g in parsed.goals
        ],
        "actions": [_action_json(a) for a in parsed.actions],
        "footnotes": [{"number": f.number, "text": f.text, "urls": list(f.urls)} for f in parsed.footnotes],
        "report": [{"line": r.line, "kind": r.kind, "message": r.message, "action": r.action} for r in parsed.report],
    }
