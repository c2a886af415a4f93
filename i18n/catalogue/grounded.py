"""Messages of grounded-theory levels, tables, saturation, paradigm model (E270–E299)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "E270": ("扎根理论层级“{level}”无效，可选：{choices}（留空则按代码树推断）。",
             "The grounded-theory level “{level}” is not valid; choose one of: {choices} "
             "(or leave it empty to infer it from the code tree)."),
    "E271": ("关系类型“{value}”过长，最多 {maximum} 个字符；较长的说明请写在“关系内涵”中。",
             "The relation type “{value}” is too long (at most {maximum} characters); "
             "write a longer explanation in the relation meaning."),
    "E272": ("范式模型角色“{role}”无效，可选：{choices}。",
             "The paradigm-model role “{role}” is not valid; choose one of: {choices}."),
    "E273": ("所选文字去掉空白和标点后为空，无法作为代码名称；请选择几个词语。",
             "The selected text is empty once white space and punctuation are removed, so it "
             "cannot name a code; select some words."),
    "E274": ("同一层级下已有名为“{name}”的代码，但它仅用于分类（不可编码），无法用于实境编码；"
             "请换一个上级代码或选择其他文字。",
             "A code named “{name}” already exists at this level but is a category only (not "
             "codable), so it cannot take an in-vivo coding; choose another parent or other words."),
    "E275": ("编码顺序中的文档 {doc} 不属于本项目。",
             "Document {doc} in the coding order does not belong to this project."),
    "E276": ("文档“{document}”在编码顺序中出现了不止一次。",
             "The document “{document}” appears more than once in the coding order."),
    "E277": ("留作饱和度检验的文档数为 {holdout}，应在 0 到 {count} 减 1 之间（至少保留一份文档在前面）。",
             "{holdout} documents held out for the saturation test: the number must be between 0 "
             "and {count} minus 1 (at least one document must come before them)."),
    "E278": ("没有找到中文字体，无法生成 PNG 图片（SVG 不受影响）。请安装 fonts-wqy-microhei 或 "
             "fonts-noto-cjk，或用环境变量 {variable} 指定一个字体文件。",
             "No Chinese font was found, so the PNG image cannot be drawn (the SVG is not affected). "
             "Install fonts-wqy-microhei or fonts-noto-cjk, or name a font file in the "
             "{variable} environment variable."),
    "E279": ("不支持输出文件“{filename}”的格式，请使用 {choices}。",
             "The output file “{filename}” has an unsupported format; use {choices}."),
    # names of changes, shown on the undo and redo buttons
    "grounded.history_fields": ("设置代码“{name}”的层级与关系", "set the level and relations of the code “{name}”"),
    "grounded.history_in_vivo": ("实境编码“{name}”", "code in vivo “{name}”"),
    # levels and roles
    "grounded.level_auto": ("自动（按代码树推断）", "Automatic (from the code tree)"),
    "grounded.level_concept": ("初始概念", "Initial concept"),
    "grounded.level_category": ("范畴", "Category"),
    "grounded.level_main_category": ("主范畴", "Main category"),
    "grounded.level_core_category": ("核心范畴", "Core category"),
    "grounded.level_shown": ("{level}", "{level}"),
    "grounded.level_inferred": ("{level}（自动）", "{level} (inferred)"),
    "grounded.role_none": ("（无）", "(none)"),
    "grounded.role_causal_condition": ("因果条件", "Causal conditions"),
    "grounded.role_phenomenon": ("现象", "Phenomenon"),
    "grounded.role_context": ("情境", "Context"),
    "grounded.role_intervening_condition": ("中介条件", "Intervening conditions"),
    "grounded.role_action_strategy": ("行动策略", "Action strategies"),
    "grounded.role_consequence": ("结果", "Consequences"),
    # table columns and files
    "grounded.col_number": ("编号", "No."),
    "grounded.col_statement": ("原始语句", "Original statement"),
    "grounded.col_document": ("来源文档", "Source document"),
    "grounded.col_speaker": ("说话人", "Speaker"),
    "grounded.col_concept": ("初始概念", "Initial concept"),
    "grounded.col_category": ("范畴", "Category"),
    "grounded.col_main_category": ("主范畴", "Main category"),
    "grounded.col_categories": ("对应范畴", "Categories"),
    "grounded.col_relation_type": ("关系类型", "Relation type"),
    "grounded.col_meaning": ("关系内涵", "Meaning of the relation"),
    "grounded.col_code": ("代码", "Code"),
    "grounded.col_level": ("层级", "Level"),
    "grounded.col_role": ("范式模型角色", "Paradigm role"),
    "grounded.col_codings": ("编码片段数", "Codings"),
    "grounded.no_category": ("（未归入范畴）", "(no category)"),
    "grounded.core_line": ("核心范畴：{name}（统领主范畴：{mains}）", "Core category: {name} (over the main categories: {mains})"),
    "grounded.story_line": ("故事线：{story}", "Story line: {story}"),
    "grounded.sheet_open": ("开放式编码", "Open coding"),
    "grounded.sheet_axial": ("主轴编码", "Axial coding"),
    "grounded.sheet_selective": ("选择性编码", "Selective coding"),
    "grounded.title_open": ("开放式编码结果（原始语句 → 初始概念 → 范畴）",
                            "Open coding (original statements → initial concepts → categories)"),
    "grounded.title_axial": ("主轴编码结果（主范畴 → 对应范畴 → 关系内涵）",
                             "Axial coding (main categories → categories → meaning of the relation)"),
    "grounded.file_open": ("开放式编码表", "open-coding-table"),
    "grounded.file_axial": ("主轴编码表", "axial-coding-table"),
    "grounded.file_saturation": ("理论饱和度检验", "saturation"),
    "grounded.file_paradigm": ("范式模型", "paradigm-model"),
    # saturation table
    "grounded.sat_position": ("顺序", "Order"),
    "grounded.sat_document": ("文档", "Document"),
    "grounded.sat_new_concepts": ("新增初始概念数", "New concepts"),
    "grounded.sat_new_categories": ("新增范畴数", "New categories"),
    "grounded.sat_concepts_total": ("累计初始概念数", "Concepts so far"),
    "grounded.sat_categories_total": ("累计范畴数", "Categories so far"),
    "grounded.sat_concepts_list": ("新增初始概念", "Concepts added"),
    "grounded.sat_categories_list": ("新增范畴", "Categories added"),
    "grounded.sat_held_out": ("留作检验", "Held out"),
    "grounded.sat_yes": ("是", "yes"),
    # paradigm model figure
    "grounded.paradigm_title": ("范式模型", "Paradigm model"),
    "grounded.paradigm_core": ("核心范畴：{name}", "Core category: {name}"),
    "grounded.paradigm_empty": ("（未指定）", "(none yet)"),
    # the page
    "grounded.nav": ("扎根理论", "Grounded theory"),
    "grounded.title": ("扎根理论：三级编码与饱和度检验", "Grounded theory: three-stage coding and saturation"),
    "grounded.help": ("按论文常用格式整理开放式编码、主轴编码和选择性编码，检验理论饱和度，并绘制范式模型。",
                      "Lay out open, axial and selective coding as papers report them, check "
                      "theoretical saturation and draw the paradigm model."),
    "grounded.tab_levels": ("层级与关系", "Levels and relations"),
    "grounded.tab_open": ("开放式编码表", "Open coding"),
    "grounded.tab_axial": ("主轴编码表", "Axial coding"),
    "grounded.tab_saturation": ("理论饱和度", "Saturation"),
    "grounded.tab_paradigm": ("范式模型", "Paradigm model"),
    "grounded.levels_help": (
        "未手动设定层级的代码按代码树推断：没有下级代码的是初始概念，其上一级是范畴，再上一级是主范畴，"
        "四层代码树的唯一顶层代码是核心范畴。手动设定的层级优先，并参与其上级代码的推断。",
        "Codes without a level set by hand take it from the code tree: codes without sub-codes are "
        "initial concepts, the level above them categories, the next main categories, and the single "
        "top code of a four-level tree the core category. A level set by hand wins and counts when "
        "the codes above it are inferred."),
    "grounded.no_codes": ("项目还没有代码。请先在编码本页面添加代码。",
                          "The project has no codes yet; add some on the codebook page."),
    "grounded.choose_code": ("选择要设置的代码", "Code to set"),
    "grounded.level": ("层级", "Level"),
    "grounded.level_help": ("当前层级：{level}", "Current level: {level}"),
    "grounded.relation_type": ("关系类型", "Relation type"),
    "grounded.relation_type_placeholder": ("选择或输入，如 因果、情境、中介、时序",
                                           "Choose or type, e.g. 因果, 情境, 中介, 时序"),
    "grounded.relation_meaning": ("关系内涵（核心范畴填写故事线）",
                                  "Meaning of the relation (the story line for the core category)"),
    "grounded.relation_meaning_help": (
        "写在主范畴上，说明它与所属范畴的关系；写在某个范畴上，则只说明该范畴。",
        "On a main category it explains its relation to the categories beneath it; on one "
        "category it explains that category only."),
    "grounded.role": ("范式模型角色", "Paradigm-model role"),
    "grounded.save": ("保存", "Save"),
    "grounded.saved": ("已保存“{name}”的层级与关系。", "Saved the level and relations of “{name}”."),
    "grounded.filter_coders": ("只看这些编码者的编码", "Only these coders' codings"),
    "grounded.all_coders": ("全部编码者", "All coders"),
    "grounded.metric_statements": ("原始语句", "Statements"),
    "grounded.metric_concepts": ("初始概念", "Initial concepts"),
    "grounded.metric_categories": ("范畴", "Categories"),
    "grounded.open_help": (
        "编号规则：范畴 A1、A2……，初始概念 a1、a2……（全表连续编号），原始语句 a1-1、a1-2……（概念编号-序号）。"
        "同一片段被多位编码者编码时只列一次。",
        "Numbering: categories A1, A2 …, initial concepts a1, a2 … through the whole table, "
        "statements a1-1, a1-2 … (concept number, then its statements). A span coded by several "
        "coders is listed once."),
    "grounded.left_out": ("另有 {count} 个编码片段直接编码在范畴或更高层级的代码上，未列入本表。",
                          "{count} more codings sit directly on categories or higher levels and are not in this table."),
    "grounded.open_empty": ("还没有编码在初始概念上的片段。", "No statement is coded with an initial concept yet."),
    "grounded.axial_empty": (
        "还没有主范畴。请在“层级与关系”中把代码设为主范畴，或使用三层以上的代码树。",
        "There are no main categories yet. Set codes to main category under “Levels and relations”, "
        "or use a code tree of three levels or more."),
    "grounded.download_xlsx": ("下载 Excel（.xlsx）", "Download Excel (.xlsx)"),
    "grounded.download_docx": ("下载 Word（.docx）", "Download Word (.docx)"),
    "grounded.download_svg": ("下载 SVG 图", "Download SVG"),
    "grounded.download_png": ("下载 PNG 图", "Download PNG"),
    "grounded.saturation_help": (
        "按编码顺序逐份文档统计新增的初始概念和范畴。把最后几份文档留作检验：若它们没有带来新的概念和范畴，即可认为达到理论饱和。",
        "Counts, document by document in coding order, the initial concepts and categories each one "
        "adds. Hold out the last few documents as the test: if they add no concept or category, "
        "the theory is saturated."),
    "grounded.order": ("编码顺序（按选择的先后排列）", "Coding order (the order of choosing)"),
    "grounded.order_help": ("默认按导入顺序。要调整顺序，可先移除文档，再按想要的顺序重新选择。",
                            "Import order by default. To change it, remove documents and choose them again in the order you want."),
    "grounded.order_empty": ("请至少选择一份文档。", "Choose at least one document."),
    "grounded.holdout": ("留作饱和度检验的最后几份文档", "Last documents held out for the saturation test"),
    "grounded.holdout_help": ("0 表示不做检验。", "0 means no test."),
    "grounded.chart_documents": ("文档（编码顺序）", "Document (coding order)"),
    "grounded.chart_count": ("数量", "Count"),
    "grounded.saturated": ("最后 {count} 份文档没有带来新的初始概念或范畴：理论已饱和。",
                           "The last {count} documents add no new concept or category: the theory is saturated."),
    "grounded.not_saturated": ("最后 {count} 份文档带来了新的内容，尚未饱和。新增初始概念：{concepts}；新增范畴：{categories}。",
                               "The last {count} documents add new material, so the theory is not saturated yet. "
                               "New concepts: {concepts}; new categories: {categories}."),
    "grounded.paradigm_help": (
        "因果条件 → 现象 → 情境 → 中介条件 → 行动策略 → 结果。在“层级与关系”中为主范畴设定范式模型角色，每个框列出该主范畴及其下的范畴。",
        "Causal conditions → phenomenon → context → intervening conditions → action strategies → "
        "consequences. Give main categories a paradigm role under “Levels and relations”; each box "
        "lists them with the categories beneath."),
    "grounded.paradigm_none": ("还没有代码设定范式模型角色，下图只是空框架。",
                               "No code has a paradigm role yet; the figure below is an empty frame."),
    # command line
    "grounded.cli_wrote": ("已写入 {path}（{rows} 行）", "Wrote {path} ({rows} rows)"),
}
