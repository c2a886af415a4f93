"""Messages of backup, restore and concurrent writers (E450–E499)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- refusals -------------------------------------------------------------------------
    "E450": (
        "PostgreSQL 数据库请用 PostgreSQL 自带的 pg_dump 备份（bianma backup 只复制 SQLite 文件）：\n"
        "{command}\n详见 docs/operations.md。",
        "Back up a PostgreSQL database with PostgreSQL's own pg_dump (bianma backup only copies "
        "SQLite files):\n{command}\nSee docs/operations.md.",
    ),
    "E451": (
        "PostgreSQL 数据库请用 pg_restore 恢复（bianma restore 只恢复 SQLite 文件）：\n"
        "{command}\n恢复后运行任意 bianma 命令即可把结构升级到当前版本。详见 docs/operations.md。",
        "Restore a PostgreSQL database with pg_restore (bianma restore only restores SQLite "
        "files):\n{command}\nAny bianma command run afterwards upgrades the schema to this "
        "version. See docs/operations.md.",
    ),
    "E452": (
        "文件“{path}”已经存在，未覆盖。请换一个文件名，或加上 --force 覆盖它。",
        "The file “{path}” already exists and was not overwritten. Choose another name, or add "
        "--force to overwrite it.",
    ),
    "E453": (
        "找不到 SQLite 数据库文件“{path}”，没有可备份的内容。请用 --db 指定数据库。",
        "There is no SQLite database file at “{path}”, so there is nothing to back up. Name the "
        "database with --db.",
    ),
    "E454": (
        "数据库“{url}”不是一个 SQLite 文件，无法用 bianma backup/restore 处理。",
        "The database “{url}” is not an SQLite file; bianma backup/restore cannot handle it.",
    ),
    "E455": (
        "找不到备份文件“{path}”。",
        "The backup file “{path}” was not found.",
    ),
    "E456": (
        "文件“{path}”不是 SQLite 数据库，不能用来恢复。",
        "The file “{path}” is not an SQLite database and cannot be restored.",
    ),
    "E457": (
        "文件“{path}”是 SQLite 数据库，但不是 Bianma 的数据库（缺少：{missing}），未恢复。",
        "The file “{path}” is an SQLite database but not a Bianma store (missing: {missing}); "
        "it was not restored.",
    ),
    "E458": (
        "文件“{path}”已损坏（完整性检查：{detail}），未恢复。请换一份较早的备份。",
        "The file “{path}” is damaged (integrity check: {detail}) and was not restored. Use an "
        "earlier backup.",
    ),
    "E459": (
        "文件“{path}”由更新版本的 Bianma 写成（数据库版本 {revision}），当前版本无法读取。请先升级 Bianma。",
        "The file “{path}” was written by a newer Bianma (schema revision {revision}) that this "
        "version cannot read. Upgrade Bianma first.",
    ),
    "E460": (
        "目标数据库“{path}”不是空的（{projects} 个项目、{documents} 个文档、{codings} 个编码），未恢复。"
        "确认要用备份替换它时，请加上 --force（替换前会另存一份当前数据库）。",
        "The target store “{path}” is not empty ({projects} projects, {documents} documents, "
        "{codings} codings); nothing was restored. To replace it with the backup, add --force "
        "(the current store is saved beside it first).",
    ),
    "E461": (
        "数据库“{path}”正在被使用（可能是正在运行的 Bianma 应用），无法替换。请先关闭应用再恢复。",
        "The database “{path}” is in use (perhaps by a running Bianma app) and cannot be "
        "replaced. Stop the app, then restore.",
    ),
    "E462": (
        "复制数据库“{path}”时出错（{detail}），没有写出备份。",
        "Copying the database “{path}” failed ({detail}); no backup was written.",
    ),
    # Raised by the store itself (storage.engine) when SQLite's busy timeout or PostgreSQL's
    # lock_timeout runs out: another transaction held the lock longer than the engine waits.
    "E463": (
        "数据库正忙（另一项修改占用的时间过长），本次操作没有保存。请稍后再试一次。",
        "The store is busy (another change is taking too long); nothing of this action was "
        "saved. Try again in a moment.",
    ),
    "E464": (
        "文件“{path}”含有 Bianma 数据库中不会有的触发器或视图（{names}），为安全起见未恢复。",
        "The file “{path}” contains triggers or views a Bianma store never has ({names}); for "
        "safety it was not restored.",
    ),
    # Raised by the store itself (storage.engine) when two people's changes to the same rows
    # cannot both be applied: an update or deletion found the row already changed or deleted
    # by someone else, or PostgreSQL broke a deadlock or could not serialise the two.
    "E465": (
        "有人在同一时间修改或删除了同样的内容，本次操作与之冲突，没有保存任何改动。请刷新页面，确认最新内容后再试一次。",
        "Someone changed or deleted the same items at the same moment; this action conflicted "
        "with theirs and nothing of it was saved. Reload the page, check what is there now and "
        "try again.",
    ),
    # --- results --------------------------------------------------------------------------
    "maintenance.backup_done": (
        "已备份到 {path}（{size_mb} MB，数据库版本 {revision}，{projects} 个项目、{documents} 个文档、"
        "{codings} 个编码）。",
        "Backed up to {path} ({size_mb} MB, schema revision {revision}, {projects} projects, "
        "{documents} documents, {codings} codings).",
    ),
    "maintenance.restore_done": (
        "已从 {source} 恢复到 {path}（数据库版本 {before} → {after}，{projects} 个项目、{documents} 个文档、"
        "{codings} 个编码）。",
        "Restored {source} to {path} (schema revision {before} → {after}, {projects} projects, "
        "{documents} documents, {codings} codings).",
    ),
    "maintenance.previous_kept": (
        "被替换的数据库已另存为 {path}。",
        "The store that was replaced is saved as {path}.",
    ),
}
