"""Theoretical saturation (理论饱和度检验): what each document added to the codebook.

Documents are taken in coding order (the import order, ``Document.position``, unless another
order is given; an order may leave documents out). For each one: the concepts and categories
its codings reach that no earlier document reached, and the running totals. A coding counts
for the concept and the category it belongs to (see ``coding.grounded``); a coding made
directly on a category counts for that category only. Codings of every coder count.

With ``holdout=k`` the last k documents are the saturation test: the concepts and categories
they introduce are listed, and none means the theory is saturated on this material.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.grounded import project_hierarchy
from corpus.projects import find_project
from i18n import BianmaError, t
from storage.tables import Code, Coding, Document


@dataclass(frozen=True, slots=True)
class SaturationStep:
    position: int  # 1-based place in the coding order
    document_id: int
    document: str
    new_concepts: tuple[str, ...]  # code paths
    new_categories: tuple[str, ...]
    concepts_total: int
    categories_total: int
    held_out: bool


@dataclass(frozen=True, slots=True)
class SaturationReport:
    steps: tuple[SaturationStep, ...]
    holdout: int
    holdout_concepts: tuple[str, ...]
    holdout_categories: tuple[str, ...]

    @property
    def saturated(self) -> bool | None:
        """True if the held-out documents add nothing; None without a hold-out."""
        if not self.holdout:
            return None
        return not self.holdout_concepts and not self.holdout_categories


def saturation(session: Session, project_id: int, *, order: list[int] | None = None,
               holdout: int = 0) -> SaturationReport:
    """New and cumulative concepts and categories per document, and the hold-out test."""
    project = find_project(session, project_id)
    documents = dict(session.execute(
        select(Document.id, Document.name).where(Document.project_id == project.id)
        .order_by(Document.position, Document.id)).all())
    if order is None:
        order = list(documents)
    for document_id in order:
        if document_id not in documents:
            raise BianmaError("E275", doc=document_id)
    if len(set(order)) != len(order):
        duplicate = next(d for d in order if order.count(d) > 1)
        raise BianmaError("E276", document=documents[duplicate])
    if not isinstance(holdout, int) or holdout < 0 or (holdout and holdout >= len(order)):
        raise BianmaError("E277", holdout=holdout, count=len(order))
    hierarchy = project_hierarchy(session, project.id)
    reached: dict[int, list[int]] = {document_id: [] for document_id in order}
    for document_id, code_id in session.execute(
            select(Coding.document_id, Coding.code_id).join(Code, Code.id == Coding.code_id)
            .where(Code.project_id == project.id, Coding.document_id.in_(order))
            .order_by(Coding.document_id, Coding.start, Coding.id)):
        reached[document_id].append(code_id)
    seen_concepts: set[int] = set()
    seen_categories: set[int] = set()
    steps = []
    for position, document_id in enumerate(order, start=1):
        new_concepts: list[int] = []
        new_categories: list[int] = []
        for code_id in reached[document_id]:
            concept = hierarchy.concept_of(code_id)
            category = hierarchy.category_of(code_id)
            if concept is not None and concept not in seen_concepts:
                seen_concepts.add(concept)
                new_concepts.append(concept)
            if category is not None and category not in seen_categories:
                seen_categories.add(category)
                new_categories.append(category)
        steps.append(SaturationStep(
            position=position, document_id=document_id, document=documents[document_id],
            new_concepts=tuple(hierarchy.by_id[c].path for c in new_concepts),
            new_categories=tuple(hierarchy.by_id[c].path for c in new_categories),
            concepts_total=len(seen_concepts), categories_total=len(seen_categories),
            held_out=position > len(order) - holdout))
    held_out = [step for step in steps if step.held_out]
    return SaturationReport(
        steps=tuple(steps), holdout=holdout,
        holdout_concepts=tuple(c for step in held_out for c in step.new_concepts),
        holdout_categories=tuple(c for step in held_out for c in step.new_categories))


def saturation_table(report: SaturationReport, lang: str = "zh") -> tuple[list[str], list[list]]:
    """Headers and rows for the page, CSV and XLSX."""
    headers = [t(f"grounded.sat_{key}", lang) for key in (
        "position", "document", "new_concepts", "new_categories", "concepts_total",
        "categories_total", "concepts_list", "categories_list", "held_out")]
    yes = t("grounded.sat_yes", lang)
    rows = [[step.position, step.document, len(step.new_concepts), len(step.new_categories),
             step.concepts_total, step.categories_total, "、".join(step.new_concepts),
             "、".join(step.new_categories), yes if step.held_out else ""]
            for step in report.steps]
    return headers, rows
