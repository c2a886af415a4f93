"""Messages of the user guide page.

Page names are placeholders filled with the navigation's own labels, so the guide always
names the pages as the sidebar shows them, in either language.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "guide.nav": ("使用指南", "User guide"),
    "guide.title": ("使用指南", "User guide"),
    "guide.intro": (
        "Bianma（编码）用于中文访谈资料的质性分析：导入访谈转录稿和观察笔记，建立编码本，对话轮或任意片段编码，"
        "写备忘录，比较编码者之间的一致性，并导出频次表和引文表。下面用示例项目走一遍主要步骤，大约五分钟。",
        "Bianma (编码) is for the qualitative analysis of Chinese interviews: import transcripts and "
        "field notes, build a codebook, code turns or any span, write memos, compare coders, and "
        "export frequency tables and quotations. The walkthrough below takes the demo project "
        "through the main steps in about five minutes.",
    ),
    "guide.terms": (
        "术语：Bianma 中的“代码”就是 NVivo 中的“节点”；“编码本”是代码的层级列表及其定义；"
        "“编码片段”是被贴上某个代码的一段文字。",
        "Terms: a “code” is what NVivo calls a “node”; the “codebook” is the tree of codes with their "
        "definitions; a “coded segment” is a span of text a code was applied to.",
    ),
    # --- the five-minute walkthrough ---------------------------------------------------------
    "guide.walkthrough_title": ("五分钟上手：示例项目", "Five minutes with the demo project"),
    "guide.step_project": (
        "【{projects}】第一次启动时，Bianma 已经建好示例项目“{demo}”：三份虚构的访谈转录稿、一份观察笔记、"
        "一个编码本和三个个案，左侧栏的“当前项目”已选中它。示例可以随意修改，也可以删除。",
        "[{projects}] On first start Bianma creates the demo project “{demo}”: three invented "
        "interview transcripts, a page of field notes, a codebook and three cases; it is already "
        "the current project in the sidebar. Change it freely, or delete it.",
    ),
    "guide.step_documents": (
        "【{documents}】打开“访谈01_王大伯”：Bianma 按说话人切分话轮，再切分句子并分词。"
        "导入自己的 .txt（UTF-8、GB18030 或 UTF-16）、.docx、.csv 或 .xlsx 文件也在这一页。",
        "[{documents}] Open “访谈01_王大伯”: Bianma splits it into speaker turns, then into sentences "
        "and words. Your own .txt (UTF-8, GB18030 or UTF-16), .docx, .csv or .xlsx files are "
        "imported on this page too.",
    ),
    "guide.step_codebook": (
        "【{codebook}】浏览代码树：每个代码有定义、纳入标准、排除标准和示例。新项目可以从五项已发表研究的编码本模板开始，"
        "也可以导入 CSV、Excel 或 .qdc 编码本。",
        "[{codebook}] Browse the code tree: each code has a definition, inclusion and exclusion "
        "criteria and an example. A new project can start from the codebook templates of five "
        "published studies, or import a CSV, Excel or .qdc codebook.",
    ),
    "guide.step_coding": (
        "【{coding}】选择一份文档，用鼠标拖选一段文字，或点击话轮选中整个话轮；在右侧选择一个或几个代码，"
        "点击“{apply}”。已有的编码以彩色底纹显示，鼠标停在上面可以看到代码名称。",
        "[{coding}] Choose a document, drag over a span of text, or click a turn to select all of "
        "it; pick one or more codes on the right and press “{apply}”. Existing codings are "
        "shaded in their code's colour; hover over one to see its code.",
    ),
    "guide.step_memos": (
        "【{memos}】为编码片段、代码、文档或整个项目写备忘录，记下分析中的想法。",
        "[{memos}] Write memos on coded segments, codes, documents or the whole project to keep "
        "your analytic thoughts.",
    ),
    "guide.step_analysis": (
        "【{analysis}】查看代码频次、代码 × 个案属性矩阵和代码共现，可以按编码者、文档或属性筛选。",
        "[{analysis}] See code frequencies, code × case attribute matrices and co-occurrence, "
        "filtered by coder, document or attribute.",
    ),
    "guide.step_retrieval": (
        "【{retrieval}】取出某个代码下的全部编码片段及其说话人和上下文，导出为 Word 引文表，可直接用于论文写作。",
        "[{retrieval}] Gather every segment coded with a code, with its speaker and context, and "
        "export a Word quotation table ready for writing up.",
    ),
    # --- PostgreSQL ----------------------------------------------------------------------------
    "guide.postgres_title": ("切换到 PostgreSQL（团队共用）", "Switching to PostgreSQL (for a team)"),
    "guide.postgres_body": (
        "一个人使用时，Bianma 把全部数据保存在一个 SQLite 文件中，无需任何设置。几位研究者同时编码同一个项目时，"
        "请改用 PostgreSQL：由管理员建好数据库和用户，在启动前设置环境变量 BIANMA_DATABASE_URL。"
        "首次启动时 Bianma 会自动建表，以后升级时自动迁移。",
        "Used by one person, Bianma keeps everything in one SQLite file and needs no set-up. When "
        "several researchers code the same project at once, use PostgreSQL: an administrator "
        "creates the database and its user, and BIANMA_DATABASE_URL is set before starting. "
        "Bianma creates its tables on first start and migrates them on upgrades.",
    ),
    "guide.postgres_command": (
        "export BIANMA_DATABASE_URL=postgresql://用户名:密码@服务器地址/bianma\nmake run",
        "export BIANMA_DATABASE_URL=postgresql://user:password@host/bianma\nmake run",
    ),
    "guide.postgres_move": (
        "要把已有的项目带到新的数据库：在原来的数据库中导出 REFI-QDA 项目文件（.qdpx，在【{exchange}】页），"
        "再在新的数据库中用 bianma import-qdpx 导入。",
        "To take an existing project to the new database, export it as a REFI-QDA project file "
        "(.qdpx, on the [{exchange}] page) from the old one and load it into the new one with "
        "bianma import-qdpx.",
    ),
    "guide.current_store": ("当前使用的数据库：`{url}`", "The database in use: `{url}`"),
    # --- backup ----------------------------------------------------------------------------------
    "guide.backup_title": ("备份", "Backing up"),
    "guide.backup_body": (
        "访谈资料是敏感的个人信息，编码是几个月的工作：请定期备份，并且至少试着恢复一次。"
        "SQLite 数据库用 bianma backup 备份，应用可以继续运行；用 bianma restore 恢复，恢复前请先停止应用。",
        "Interviews are sensitive personal data and codings are months of work: back up "
        "regularly, and try a restore at least once. Back up an SQLite store with bianma backup "
        "while the app keeps running; restore it with bianma restore after stopping the app.",
    ),
    "guide.backup_command": (
        "# 备份（文件名带上日期）\n"
        ".venv/bin/bianma backup ~/bianma-backups/bianma-$(date +%F).sqlite3\n"
        "# 恢复（先停止应用）\n"
        ".venv/bin/bianma restore ~/bianma-backups/bianma-2026-05-01.sqlite3",
        "# back up (the date in the file name)\n"
        ".venv/bin/bianma backup ~/bianma-backups/bianma-$(date +%F).sqlite3\n"
        "# restore (stop the app first)\n"
        ".venv/bin/bianma restore ~/bianma-backups/bianma-2026-05-01.sqlite3",
    ),
    "guide.backup_postgres": (
        "PostgreSQL 数据库请用 PostgreSQL 自带的 pg_dump 和 pg_restore 备份与恢复。"
        "定时备份、恢复前的检查等细节见 docs/operations.md。",
        "Back up and restore a PostgreSQL database with PostgreSQL's own pg_dump and pg_restore. "
        "Nightly backups and what a restore checks are described in docs/operations.md.",
    ),
    # --- where the results are -------------------------------------------------------------------
    "guide.output_title": ("报告与导出在哪里", "Where reports and exports are"),
    "guide.output_analysis": (
        "【{analysis}】代码频次、矩阵和共现：每张表下方都有 CSV 和 Excel 下载按钮。",
        "[{analysis}] Code frequencies, matrices and co-occurrence: each table has CSV and Excel "
        "download buttons below it.",
    ),
    "guide.output_words": (
        "【{words}】词频和关键词上下文（KWIC），可以下载。",
        "[{words}] Word frequencies and keywords in context (KWIC), to download.",
    ),
    "guide.output_agreement": (
        "【{agreement}】编码者间一致性：百分比一致、Cohen's κ 和 Krippendorff's α。",
        "[{agreement}] Inter-coder agreement: percent agreement, Cohen's κ and "
        "Krippendorff's α.",
    ),
    "guide.output_retrieval": (
        "【{retrieval}】某个代码下的全部编码片段：Word 引文表、Excel 或 CSV。",
        "[{retrieval}] All segments of a code: a Word quotation table, Excel or CSV.",
    ),
    "guide.output_codebook": (
        "【{codebook}】编码本导出为 CSV、Excel 或 REFI-QDA 编码本（.qdc）。",
        "[{codebook}] The codebook as CSV, Excel or a REFI-QDA codebook (.qdc).",
    ),
    "guide.output_exchange": (
        "【{exchange}】整个项目的 REFI-QDA 项目文件（.qdpx，NVivo、ATLAS.ti、MAXQDA、QualCoder 都能打开），"
        "以及全部编码的 CSV 和 Excel 表。",
        "[{exchange}] The whole project as a REFI-QDA project file (.qdpx, which NVivo, "
        "ATLAS.ti, MAXQDA and QualCoder open), and every coding as CSV and Excel.",
    ),
    "guide.output_files": (
        "下载的文件保存在浏览器的下载文件夹里。同样的报告和导出也可以在命令行完成，例如：",
        "Downloads go to your browser's download folder. The same reports and exports can be "
        "made from the command line, for example:",
    ),
    "guide.output_command": (
        ".venv/bin/bianma report frequencies 项目名称 --by 性别 --format csv > 频次.csv\n"
        ".venv/bin/bianma export qdpx 项目名称 项目.qdpx",
        ".venv/bin/bianma report frequencies \"project name\" --by 性别 --format csv > frequencies.csv\n"
        ".venv/bin/bianma export qdpx \"project name\" project.qdpx",
    ),
}
