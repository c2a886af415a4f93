"""Messages of REFI-QDA and file exchange (E8xx) and their labels (exchange.*)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- refusals -------------------------------------------------------------------------
    "E801": ("文件“{filename}”不是有效的 REFI-QDA 项目文件（.qdpx 应当是 zip 压缩包），未导入。",
             "The file “{filename}” is not a valid REFI-QDA project (a .qdpx is a zip archive); "
             "it was not imported."),
    "E802": ("文件“{filename}”中没有 project.qde，不是 REFI-QDA 项目文件，未导入。",
             "The file “{filename}” has no project.qde, so it is not a REFI-QDA project; "
             "it was not imported."),
    "E803": ("压缩包中的路径“{path}”不安全（绝对路径或含有“..”），为安全起见未导入。",
             "The path “{path}” in the archive is unsafe (absolute or containing “..”); "
             "for safety nothing was imported."),
    "E804": ("文件“{filename}”包含 {count} 个条目，超过了 {limit} 个的上限，未导入。",
             "The file “{filename}” holds {count} entries, over the limit of {limit}; "
             "it was not imported."),
    "E805": ("文件“{filename}”的大小（或解压后的大小）超过了 {limit_mb} MB 的上限，未导入。",
             "The file “{filename}” is larger (or unpacks larger) than the {limit_mb} MB limit; "
             "it was not imported."),
    "E806": ("“{part}”不是格式正确的 XML（{detail}），未导入。",
             "“{part}” is not well-formed XML ({detail}); it was not imported."),
    "E807": ("“{part}”含有 DTD 或实体声明（XXE、“十亿笑声”等攻击的手段），为安全起见未导入。",
             "“{part}” contains a DTD or entity declarations (the means of XXE and "
             "“billion laughs” attacks); for safety it was not imported."),
    "E808": ("“{part}”不是 REFI-QDA 文件：根元素应为 {expected}，实际为 {found}。",
             "“{part}” is not a REFI-QDA file: its root element should be {expected}, not {found}."),
    "E809": ("文档“{source}”中的选区 [{start}, {end}) 超出了文本范围或为空（文本共 {length} 个字符），未导入。",
             "The selection [{start}, {end}) in the document “{source}” is empty or lies outside its "
             "text, which has {length} characters; nothing was imported."),
    "E810": ("文件引用了一个不存在的代码（GUID {guid}），未导入。",
             "The file refers to a code that it does not define (GUID {guid}); nothing was imported."),
    "E811": ("文档“{source}”的文本文件“{path}”不在压缩包中，未导入。",
             "The text file “{path}” of the document “{source}” is missing from the archive; "
             "nothing was imported."),
    "E812": ("文本文件“{path}”不是 UTF-8 编码（REFI-QDA 规定使用 UTF-8），未导入。",
             "The text file “{path}” is not UTF-8, which REFI-QDA requires; nothing was imported."),
    "E813": ("元素 {element} 的属性 {attribute} 的值“{value}”无效，未导入。",
             "The value “{value}” of the attribute {attribute} of a {element} element is not valid; "
             "nothing was imported."),
    "E814": ("“{part}”中的 GUID {guid} 出现了不止一次，未导入。",
             "The GUID {guid} occurs more than once in “{part}”; nothing was imported."),
    "E815": ("文件“{filename}”中的“{path}”已加密，无法读取，未导入。",
             "The entry “{path}” in “{filename}” is encrypted and cannot be read; "
             "nothing was imported."),
    "E816": ("“{part}”中的代码嵌套超过了 {limit} 层，未导入。",
             "The codes in “{part}” are nested more than {limit} levels deep; nothing was imported."),
    "E817": ("项目“{project}”的编码本是空的，没有可导出的代码。",
             "The codebook of the project “{project}” is empty; there are no codes to export."),
    "E818": ("不支持导出为“{extension}”，请使用 {allowed}。",
             "Cannot export to “{extension}”; use {allowed}."),
    "E819": ("文档“{source}”既没有 PlainTextContent 也没有 plainTextPath，无法读取其文本，未导入。",
             "The document “{source}” has neither PlainTextContent nor a plainTextPath, so its text "
             "cannot be read; nothing was imported."),
    "E820": ("个案“{case}”的属性值引用了一个不存在的变量（GUID {guid}），未导入。",
             "A value of the case “{case}” refers to a variable the file does not define "
             "(GUID {guid}); nothing was imported."),
    # --- navigation -----------------------------------------------------------------------
    "exchange.nav_retrieval": ("编码片段检索", "Retrieval"),
    "exchange.nav_exchange": ("导入与导出", "Import & export"),
    # --- columns of the exports -----------------------------------------------------------
    "exchange.col_id": ("编号", "ID"),
    "exchange.col_code": ("代码", "Code"),
    "exchange.col_document": ("文档", "Document"),
    "exchange.col_speaker": ("说话人", "Speaker"),
    "exchange.col_case": ("个案", "Case"),
    "exchange.col_coder": ("编码者", "Coder"),
    "exchange.col_start": ("起点", "Start"),
    "exchange.col_end": ("终点", "End"),
    "exchange.col_text": ("编码片段", "Coded segment"),
    "exchange.col_before": ("上文", "Context before"),
    "exchange.col_after": ("下文", "Context after"),
    "exchange.col_memo": ("备忘录", "Memo"),
    "exchange.col_provenance": ("来源方式", "Provenance"),
    "exchange.col_created": ("编码时间（UTC）", "Coded at (UTC)"),
    "exchange.col_quote": ("引文", "Quote"),
    "exchange.col_source": ("出处", "Source"),
    "exchange.provenance.manual": ("手动编码", "coded by hand"),
    "exchange.provenance.suggested": ("采纳编码建议", "accepted suggestion"),
    "exchange.provenance.machine": ("编码建议器自动编码", "coded by the suggester"),
    "exchange.sheet_segments": ("编码片段", "Coded segments"),
    "exchange.sheet_codings": ("全部编码", "All codings"),
    "exchange.docx_title": ("代码“{path}”的编码片段", "Segments coded “{path}”"),
    "exchange.docx_title_children": ("代码“{path}”及其下级代码的编码片段",
                                     "Segments coded “{path}” or its sub-codes"),
    "exchange.docx_summary": ("共 {count} 个编码片段，来自 {documents} 个文档。",
                              "{count} coded segments from {documents} documents."),
    "exchange.source_line": ("{document}，{speaker}，个案：{case}，编码者：{coder}，位置 [{start}, {end})",
                             "{document}, {speaker}, case: {case}, coder: {coder}, at [{start}, {end})"),
    # --- retrieval page -------------------------------------------------------------------
    "retrieval.title": ("编码片段检索", "Retrieval of coded segments"),
    "retrieval.help": ("选择一个代码，阅读它的全部编码片段及上下文，并导出为 Excel、Word 或 CSV。",
                       "Choose a code, read all its coded segments in context, and export them "
                       "to Excel, Word or CSV."),
    "retrieval.no_codes": ("编码本还是空的。", "The codebook is empty."),
    "retrieval.code": ("代码", "Code"),
    "retrieval.children": ("包括下级代码", "Include sub-codes"),
    "retrieval.context": ("上下文句数", "Sentences of context"),
    "retrieval.context_help": ("片段前后各显示几个完整句子；0 表示只补全片段所在的句子。",
                               "How many whole sentences to show before and after each segment; "
                               "0 completes only the sentence the segment is in."),
    "retrieval.count": ("“{path}”：{count} 个编码片段", "“{path}”: {count} coded segments"),
    "retrieval.none": ("这个代码还没有编码片段。", "No segment is coded with this code yet."),
    "retrieval.download_xlsx": ("下载 Excel（.xlsx）", "Download Excel (.xlsx)"),
    "retrieval.download_docx": ("下载 Word 引文表（.docx）", "Download Word quote table (.docx)"),
    "retrieval.download_csv": ("下载 CSV", "Download CSV"),
    "retrieval.shown": ("这里只显示前 {shown} 个片段；导出的文件包含全部 {count} 个。",
                        "Only the first {shown} segments are shown here; the exported files hold all {count}."),
    "retrieval.file_stem": ("编码片段", "segments"),
    # --- exchange page --------------------------------------------------------------------
    "exchange.title": ("导入与导出", "Import and export"),
    "exchange.export_header": ("导出当前项目", "Export the current project"),
    "exchange.export_help": ("REFI-QDA 项目文件（.qdpx）可在 NVivo、MAXQDA、ATLAS.ti、QualCoder 等软件中打开；"
                             "编码本（.qdc）只包含代码。",
                             "A REFI-QDA project (.qdpx) opens in NVivo, MAXQDA, ATLAS.ti, QualCoder and "
                             "others; a codebook (.qdc) holds the codes only."),
    "exchange.download_qdpx": ("下载项目（.qdpx）", "Download project (.qdpx)"),
    "exchange.download_qdc": ("下载编码本（.qdc）", "Download codebook (.qdc)"),
    "exchange.download_codings_csv": ("下载全部编码（CSV）", "Download all codings (CSV)"),
    "exchange.download_codings_xlsx": ("下载全部编码（Excel）", "Download all codings (Excel)"),
    "exchange.no_codes": ("编码本是空的，暂时不能导出编码本。", "The codebook is empty, so there is no codebook to export yet."),
    "exchange.import_header": ("导入 REFI-QDA 项目", "Import a REFI-QDA project"),
    "exchange.import_help": ("导入的项目会成为一个新项目，现有项目不受影响。",
                             "The imported project becomes a new project; existing projects are not touched."),
    "exchange.file": ("项目文件（.qdpx）", "Project file (.qdpx)"),
    "exchange.new_name": ("新项目名称（留空则使用文件中的名称）", "Name of the new project (empty: the name in the file)"),
    "exchange.import": ("导入", "Import"),
    "exchange.no_file": ("请先选择一个 .qdpx 文件。", "Choose a .qdpx file first."),
    "exchange.imported": ("已导入项目“{name}”：{documents} 个文档，{codes} 个代码，{codings} 处编码，{cases} 个个案，{memos} 条备忘录。",
                          "Imported the project “{name}”: {documents} documents, {codes} codes, "
                          "{codings} codings, {cases} cases, {memos} memos."),
    "exchange.skipped": ("未导入 {count} 个非文本来源（图片、PDF、音视频或外部文件）：{names}",
                         "{count} sources that are not plain text (pictures, PDFs, audio, video or "
                         "external files) were left out: {names}"),
}
