"""One store per test module and kind of database, seeded with a project that has a document,
codes, a coding and a memo; every hostile file must leave each of its tables as it was.

The store is shared by the cases of a module on purpose: refusing a file changes nothing, so
case after case sees the same rows, and a case that did leave something behind would show in
its own before/after count.
"""

from __future__ import annotations

import itertools
import os

import pytest
from sqlalchemy import create_engine, text

from codebook.codes import add_code_path
from coding.codings import apply_codes, write_coding_memo
from corpus.documents import import_document
from corpus.projects import create_project
from storage.engine import make_engine, make_sessionmaker
from storage.migrate import upgrade

from hostile.checks import Store
from hostile.files import TRANSCRIPT

_numbers = itertools.count()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'bianma.sqlite3'}"
    else:
        server = request.getfixturevalue("postgres_server")
        name = f"bianma_hostile_{os.getpid()}_{next(_numbers)}"
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = server.url(name)
    engine = make_engine(url)
    upgrade(engine)
    Session = make_sessionmaker(engine)
    with Session.begin() as session:
        project = create_project(session, "敌意文件测试")
        document = import_document(session, project.id, "访谈01.txt", TRANSCRIPT.encode("utf-8"))
        code = add_code_path(session, project.id, "融入困境/社会网络萎缩")
        coding, = apply_codes(session, document.id, 17, 22, [code.id], coder="甲")
        write_coding_memo(session, coding.id, "原来的邻居都不来往了", coder="甲")
        project_id = project.id
    yield Store(engine, Session, project_id)
    engine.dispose()
