"""``bianma account …`` and ``bianma member …``: team mode's accounts from the server's shell.

The shell is the operator's: these commands run without a signed-in actor (the first
administrator is made here). Passwords are never taken on the command line, where other users
of the machine could read them: they come from standard input (asked twice on a terminal) or
from ``--password-file``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    account = commands.add_parser("account", parents=[common], help="team mode accounts")
    account_commands = account.add_subparsers(dest="account_command", required=True)
    create = account_commands.add_parser(
        "create", parents=[common], help="create an account (password from stdin or --password-file)")
    create.add_argument("name")
    create.add_argument("--admin", action="store_true", help="may manage accounts and create projects")
    create.add_argument("--password-file", type=Path, metavar="PATH")
    create.set_defaults(func=cmd_account_create)
    password = account_commands.add_parser("password", parents=[common], help="set an account's password")
    password.add_argument("name")
    password.add_argument("--password-file", type=Path, metavar="PATH")
    password.set_defaults(func=cmd_account_password)
    disable = account_commands.add_parser("disable", parents=[common], help="disable an account")
    disable.add_argument("name")
    disable.add_argument("--enable", action="store_true", help="enable it again instead")
    disable.set_defaults(func=cmd_account_disable)
    account_commands.add_parser("list", parents=[common], help="list accounts and their roles") \
        .set_defaults(func=cmd_account_list)

    member = commands.add_parser("member", parents=[common], help="project members and roles")
    member_commands = member.add_subparsers(dest="member_command", required=True)
    add = member_commands.add_parser("add", parents=[common], help="add a member or change a role")
    add.add_argument("name")
    add.add_argument("--project", required=True, help="project name or id")
    add.add_argument("--role", choices=["owner", "coder", "viewer"], default="coder")
    add.set_defaults(func=cmd_member_add)
    remove = member_commands.add_parser("remove", parents=[common], help="remove a member")
    remove.add_argument("name")
    remove.add_argument("--project", required=True, help="project name or id")
    remove.set_defaults(func=cmd_member_remove)
    listing = member_commands.add_parser("list", parents=[common], help="list a project's members")
    listing.add_argument("--project", required=True, help="project name or id")
    listing.set_defaults(func=cmd_member_list)


def read_password(args: argparse.Namespace) -> str:
    """From --password-file (first line), else a terminal (asked twice), else stdin's first line."""
    from i18n import BianmaError

    if args.password_file is not None:
        try:
            lines = args.password_file.read_text(encoding="utf-8").splitlines()
        except OSError:
            raise BianmaError("E422") from None
        password = lines[0] if lines else ""
    elif sys.stdin.isatty():
        password = getpass.getpass("密码 / Password: ")
        if getpass.getpass("再次输入 / Again: ") != password:
            raise BianmaError("E420")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise BianmaError("E422")
    return password


def cmd_account_create(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from storage.accounts import create_account

    password = read_password(args)
    with transaction(args) as session:
        account = create_account(session, args.name, password, is_admin=args.admin)
        data = {"id": account.id, "name": account.name, "admin": account.is_admin}
    emit(args, data, lambda: iter([f"{data['id']}\t{data['name']}" + ("\tadmin" if data["admin"] else "")]))
    return 0


def cmd_account_password(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from storage.accounts import set_password

    password = read_password(args)
    with transaction(args) as session:
        set_password(session, args.name, password)
    emit(args, {"name": args.name.strip(), "password": "set"}, lambda: iter([f"{args.name.strip()}\tpassword set"]))
    return 0


def cmd_account_disable(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from storage.accounts import set_disabled

    with transaction(args) as session:
        account = set_disabled(session, args.name, disabled=not args.enable)
        data = {"id": account.id, "name": account.name, "disabled": account.disabled}
    emit(args, data, lambda: iter([f"{data['name']}\t{'disabled' if data['disabled'] else 'enabled'}"]))
    return 0


def cmd_account_list(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from storage.accounts import list_accounts

    with transaction(args) as session:
        data = [{"id": a.id, "name": a.name, "admin": a.is_admin, "disabled": a.disabled,
                 "roles": [{"project": p, "role": r} for p, r in a.roles]}
                for a in list_accounts(session)]
    emit(args, data, lambda: (
        "\t".join([a["name"], "admin" if a["admin"] else "", "disabled" if a["disabled"] else "",
                   ", ".join(f"{r['project']}:{r['role']}" for r in a["roles"])]) for a in data))
    return 0


def _project_id(session, name_or_id: str) -> int:
    from corpus.projects import find_project

    return find_project(session, name_or_id).id


def cmd_member_add(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from storage.accounts import set_member

    with transaction(args) as session:
        project_id = _project_id(session, args.project)
        membership = set_member(session, project_id, args.name, args.role)
        data = {"project": project_id, "name": args.name.strip(), "role": membership.role}
    emit(args, data, lambda: iter([f"{data['project']}\t{data['name']}\t{data['role']}"]))
    return 0


def cmd_member_remove(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from storage.accounts import remove_member

    with transaction(args) as session:
        project_id = _project_id(session, args.project)
        remove_member(session, project_id, args.name)
        data = {"project": project_id, "name": args.name.strip(), "removed": True}
    emit(args, data, lambda: iter([f"{data['project']}\t{data['name']}\tremoved"]))
    return 0


def cmd_member_list(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from storage.accounts import list_members

    with transaction(args) as session:
        project_id = _project_id(session, args.project)
        data = [{"id": m.coder_id, "name": m.name, "role": m.role, "disabled": m.disabled}
                for m in list_members(session, project_id)]
    emit(args, data, lambda: (f"{m['name']}\t{m['role']}" + ("\tdisabled" if m["disabled"] else "")
                              for m in data))
    return 0
