"""Property: any sequence of tree operations keeps every coded span, and undo takes it all back.

Each coding is followed by id through the operations: its code's path changes only as the
operation says (a rename or move changes the prefix, a merge maps the source's paths onto the
target's, a split moves the chosen codings, a delete moves them to the parent or another code
or drops them). A coding may disappear only when an identical one (same span, coder and code)
absorbed it. After the sequence, undoing every step restores the first state exactly, and
redoing every step restores the last.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from codebook.codes import add_code, code_tree, move_code, update_code
from codebook.tree import delete_code, merge_codes, reorder_code, split_code
from coding.codings import apply_codes
from coding.undo import history, redo, undo
from i18n import BianmaError
from storage.tables import Code, Coder, Coding, Document, Memo

NAMES = ("邻里", "经济", "文化", "需求", "参与")
QUOTES = ("老邻居都散了", "对门是谁都不知道", "买菜要钱", "水电也要钱", "过年不让放鞭炮", "开会都是本地人说了算")
CODERS = ("甲", "乙")

index = st.integers(0, 40)
operations = st.lists(st.one_of(
    st.tuples(st.just("add"), index, index),
    st.tuples(st.just("rename"), index, index),
    st.tuples(st.just("move"), index, index),
    st.tuples(st.just("reorder"), index, st.integers(0, 5)),
    st.tuples(st.just("merge"), index, index),
    st.tuples(st.just("split"), index, st.integers(1, 7)),
    st.tuples(st.just("delete"), index, st.sampled_from(["parent", "code", "delete"]), index),
    st.tuples(st.just("apply"), index, index, index),
), min_size=1, max_size=10)


def state(session, project_id: int) -> dict:
    """Every column of the project's codes, codings and memos."""
    def rows(table, query):
        columns = [c.key for c in table.__table__.columns]
        return [tuple(getattr(r, c) for c in columns) for r in session.scalars(query.order_by(table.id))]

    return {
        "codes": rows(Code, select(Code).where(Code.project_id == project_id)),
        "codings": rows(Coding, select(Coding).join(Document, Document.id == Coding.document_id)
                        .where(Document.project_id == project_id)),
        "memos": rows(Memo, select(Memo).where(Memo.project_id == project_id)),
    }


def coded(session, project_id: int) -> dict[int, tuple]:
    """coding id -> ((document, start, end, coder), code path)."""
    paths = {n.id: n.path for n in code_tree(session, project_id)}
    rows = session.execute(
        select(Coding.id, Coding.document_id, Coding.start, Coding.end, Coder.name, Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id).join(Document, Document.id == Coding.document_id)
        .where(Document.project_id == project_id))
    return {i: ((d, s, e, c), paths[code]) for i, d, s, e, c, code in rows}


def remap(path: str, rules: list[tuple[str, str, str | None]]) -> str | None:
    for kind, old, new in rules:
        if path == old:
            return new
        if kind == "prefix" and path.startswith(old + "/"):
            return (new + "/" if new else "") + path[len(old) + 1:]
    return path


def join(prefix: str | None, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def perform(s, p, doc, text, op, nodes, before):
    """Run one operation; return (path rules, per-coding overrides) describing its effect."""
    pick = lambda i: nodes[i % len(nodes)]  # noqa: E731
    by_id = {n.id: n for n in nodes}
    parent_path = lambda n: by_id[n.parent_id].path if n.parent_id else ""  # noqa: E731
    kind = op[0]
    if kind == "add":
        parent = None if op[1] % 3 == 0 else pick(op[1])
        add_code(s, p, NAMES[op[2] % len(NAMES)], parent_id=parent.id if parent else None)
        return [], {}
    if kind == "rename":
        node, name = pick(op[1]), NAMES[op[2] % len(NAMES)]
        update_code(s, p, node.id, name=name)
        return [("prefix", node.path, join(parent_path(node), name))], {}
    if kind == "move":
        node, parent = pick(op[1]), None if op[2] % 4 == 0 else pick(op[2])
        move_code(s, p, node.id, parent.id if parent else None)
        return [("prefix", node.path, join(parent.path if parent else "", node.name))], {}
    if kind == "reorder":
        reorder_code(s, p, pick(op[1]).id, op[2])
        return [], {}
    if kind == "merge":
        source, target = pick(op[1]), pick(op[2])
        merge_codes(s, p, source.id, target.id)
        return [("prefix", source.path, target.path)], {}
    if kind == "split":
        node = pick(op[1])
        mine = sorted(i for i, (_, path) in before.items() if path == node.path)
        chosen = [i for n, i in enumerate(mine) if op[2] >> (n % 3) & 1]
        new = split_code(s, p, node.id, "拆分", chosen)
        return [], {i: join(parent_path(node), new.name) for i in chosen}
    if kind == "delete":
        node, how, target = pick(op[1]), op[2], pick(op[3])
        delete_code(s, p, node.id, codings=how, target_id=target.id)
        children = ("prefix", node.path, parent_path(node))
        if how == "parent":
            return [("exact", node.path, parent_path(node)), children], {}
        if how == "code":
            return [("exact", node.path, remap(target.path, [children])), children], {}
        return [("exact", node.path, None), children], {}
    node, quote, coder = pick(op[1]), QUOTES[op[2] % len(QUOTES)], CODERS[op[3] % 2]
    start = text.index(quote)
    apply_codes(s, doc, start, start + len(quote), [node.id], coder=coder)
    return [], {}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_tree_operations_keep_every_coding_and_undo_restores_the_start(Session, builder, ops):
    with Session.begin() as s:
        built = builder(s)
        p, doc, text = built["project"], built["doc"], built["text"]
        # Every code shares spans with the others, so merges and moves have codings to fold.
        for n, node in enumerate(code_tree(s, p)):
            for quote in (QUOTES[0], QUOTES[n % 3 + 1]):
                start = text.index(quote)
                apply_codes(s, doc, start, start + len(quote), [node.id], coder="甲")
    with Session() as s:
        first = state(s, p)
        model = coded(s, p)
        depth = history(s, p).undo_depth
    for op in ops:
        with Session() as s:
            nodes = code_tree(s, p)
        try:
            with Session.begin() as s:
                rules, overrides = perform(s, p, doc, text, op, nodes, model)
        except BianmaError:
            with Session() as s:
                assert coded(s, p) == model, f"refused {op} changed codings"
            continue
        with Session() as s:
            actual = coded(s, p)
        expected = {}
        for coding_id, (span, path) in model.items():
            new_path = overrides.get(coding_id, remap(path, rules))
            if new_path is not None:
                expected[coding_id] = (span, new_path)
        values = list(actual.values())
        assert len(values) == len(set(values)), f"{op} left two identical codings"
        for coding_id, value in actual.items():
            if coding_id in expected:
                assert value == expected[coding_id], op
            else:
                assert op[0] == "apply", f"{op} created coding {coding_id}"
        for coding_id, value in expected.items():
            if coding_id not in actual:
                assert value in values, f"{op} lost coding {coding_id} {value}"
        model = actual
    with Session() as s:
        last = state(s, p)
        # Operations that changed nothing (a move to the same parent) are no step.
        done = history(s, p).undo_depth - depth
    for _ in range(done):
        with Session.begin() as s:
            undo(s, p)
    with Session() as s:
        assert state(s, p) == first
    for _ in range(done):
        with Session.begin() as s:
            redo(s, p)
    with Session() as s:
        assert state(s, p) == last
