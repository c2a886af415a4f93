"""Team page (team mode): one's own password; accounts (administrators); project members
(administrators and each project's owners). What a role may do is enforced by
storage.access; this page only offers the actions that make sense for the account."""

import streamlit as st

from storage.access import ROLES
from storage.accounts import (
    change_password, invite, list_accounts, list_members, manageable_projects, remove_member,
    reset_password, set_disabled, set_member,
)
from ui.auth import auth_enabled, current_actor
from ui.common import act, flash, reading, show_flash, tr

SECRET_KEY = "team_secret"

st.title(tr("team.title"))
show_flash()
if not auth_enabled():
    st.info(tr("team.off"))
    st.stop()
actor = current_actor()
if actor is None:
    st.stop()
st.caption(tr("team.roles_help"))


def role_name(role: str) -> str:
    return tr(f"team.role.{role}")


# A temporary password made on the previous run, shown this once.
secret = st.session_state.pop(SECRET_KEY, None)
if secret is not None:
    st.success(tr(secret["message"], name=secret["name"]), icon=":material/key:")
    st.code(secret["password"], language=None)

with st.expander(tr("team.my_account")), st.form("team_password", clear_on_submit=True):
    current = st.text_input(tr("team.current_password"), type="password", key="team_current")
    new = st.text_input(tr("team.new_password"), type="password", key="team_new")
    repeat = st.text_input(tr("team.repeat_password"), type="password", key="team_repeat")
    if st.form_submit_button(tr("team.change_password")):
        if new != repeat:
            st.error(tr("E420"), icon=":material/error:")
        elif act(change_password, actor.coder_id, current, new) is not None:
            flash(tr("team.password_changed"))
            st.rerun()

if actor.is_admin:
    st.subheader(tr("team.accounts"))
    with reading() as session:
        accounts = list_accounts(session)
        all_projects = manageable_projects(session)
    st.dataframe(
        [{tr("team.col_name"): a.name, tr("team.col_admin"): a.is_admin,
          tr("team.col_disabled"): a.disabled,
          tr("team.col_projects"): "、".join(f"{p}（{role_name(r)}）" for p, r in a.roles)}
         for a in accounts],
        hide_index=True, width="stretch",
    )
    project_names = dict(all_projects)
    with st.form("team_invite", clear_on_submit=True):
        st.markdown(f"**{tr('team.invite')}**")
        st.caption(tr("team.invite_help"))
        name = st.text_input(tr("team.name"), key="team_invite_name")
        project = st.selectbox(tr("team.invite_project"), [None, *project_names], key="team_invite_project",
                               format_func=lambda i: tr("team.no_project_choice") if i is None
                               else project_names[i])
        role = st.selectbox(tr("team.col_role"), ROLES, index=1, key="team_invite_role",
                            format_func=role_name)
        make_admin = st.checkbox(tr("team.invite_admin"), key="team_invite_admin")
        if st.form_submit_button(tr("team.invite"), type="primary"):
            password = act(invite, name, project_id=project, role=role, is_admin=make_admin)
            if password is not None:
                st.session_state[SECRET_KEY] = {"message": "team.invited", "name": name.strip(),
                                                "password": password}
                st.rerun()
    others = [a for a in accounts if a.id != actor.coder_id]
    if others:
        by_id = {a.id: a for a in others}
        chosen = by_id[st.selectbox(tr("team.account_choice"), list(by_id), key="team_account",
                                    format_func=lambda i: by_id[i].name)]
        left, right = st.columns(2)
        toggle = "team.enable" if chosen.disabled else "team.disable"
        if left.button(tr(toggle), key="team_toggle_account"):
            if act(set_disabled, chosen.name, not chosen.disabled) is not None:
                flash(tr("team.enabled_done" if chosen.disabled else "team.disabled_done", name=chosen.name))
                st.rerun()
        if right.button(tr("team.reset_password"), key="team_reset_password"):
            password = act(reset_password, chosen.name)
            if password is not None:
                st.session_state[SECRET_KEY] = {"message": "team.reset_done", "name": chosen.name,
                                                "password": password}
                st.rerun()

st.subheader(tr("team.members"))
with reading() as session:
    projects = dict(manageable_projects(session))
if not projects:
    st.info(tr("team.no_managed_projects"))
    st.stop()
project_id = st.selectbox(tr("team.members_project"), list(projects), key="team_project",
                          format_func=projects.__getitem__)
with reading() as session:
    members = list_members(session, project_id)
if members:
    st.dataframe([{tr("team.col_name"): m.name, tr("team.col_role"): role_name(m.role),
                   tr("team.col_disabled"): m.disabled} for m in members],
                 hide_index=True, width="stretch")
else:
    st.info(tr("team.no_members"))

with st.form(f"team_member_{project_id}", clear_on_submit=True):
    st.markdown(f"**{tr('team.add_member')}**")
    member_name = st.text_input(tr("team.name"), key=f"team_member_name_{project_id}")
    member_role = st.selectbox(tr("team.col_role"), ROLES, index=1, key=f"team_member_role_{project_id}",
                               format_func=role_name)
    if st.form_submit_button(tr("team.add_member")):
        if act(set_member, project_id, member_name, member_role) is not None:
            flash(tr("team.member_added", name=member_name.strip(), role=role_name(member_role)))
            st.rerun()

if members:
    names = [m.name for m in members]
    leaving = st.selectbox(tr("team.remove_member"), names, key=f"team_remove_{project_id}")
    if st.button(tr("team.remove_member"), key=f"team_remove_button_{project_id}"):
        if act(remove_member, project_id, leaving) is not None:
            flash(tr("team.member_removed", name=leaving))
            st.rerun()
