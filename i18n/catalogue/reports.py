"""Messages of the analysis reports (E6xx) and their page labels (reports.*)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "E601": ("未找到编码者“{coder}”。", "No coder is called “{coder}”."),
    "E602": ("计算一致性至少需要两位不同的编码者。",
             "Agreement needs at least two different coders."),
    "E603": ("分析单位“{unit}”无效，可选：{choices}。",
             "The unit “{unit}” is not valid; choose one of: {choices}."),
    "E604": ("计数方式“{measure}”无效，可选：{choices}。",
             "The measure “{measure}” is not valid; choose one of: {choices}."),
    "E605": ("所选文档中没有至少两位所选编码者都编码过的文档，无法计算一致性。",
             "None of the chosen documents was coded by at least two of the chosen coders, "
             "so agreement cannot be computed."),
    "E606": ("自助法重抽样次数应在 0 到 {maximum} 之间，置信水平应在 0 与 1 之间（如 0.95）。",
             "The number of bootstrap resamples must be between 0 and {maximum}, and the "
             "confidence level between 0 and 1 (e.g. 0.95)."),
    "E607": ("筛选条件“{condition}”应写成“属性=值”，例如 性别=女。",
             "The condition “{condition}” must be written attribute=value, e.g. 性别=女."),
    "E608": ("请输入要查看上下文的词。", "Enter the word whose contexts you want to see."),
    # table columns (downloads, CLI and pages)
    "reports.col_path": ("代码", "Code"),
    "reports.col_depth": ("层级", "Level"),
    "reports.col_codings": ("编码片段数", "Codings"),
    "reports.col_documents": ("文档数", "Documents"),
    "reports.col_cases": ("个案数", "Cases"),
    "reports.col_codings_total": ("编码片段数（含下级代码）", "Codings (with sub-codes)"),
    "reports.col_documents_total": ("文档数（含下级代码）", "Documents (with sub-codes)"),
    "reports.col_cases_total": ("个案数（含下级代码）", "Cases (with sub-codes)"),
    "reports.no_value": ("（未填）", "(no value)"),
    "reports.overall": ("全部代码", "All codes"),
    "reports.col_word": ("词", "Word"),
    "reports.col_word_count": ("频次", "Frequency"),
    "reports.col_word_segments": ("出现的编码片段数", "Segments it occurs in"),
    "reports.col_word_documents": ("出现的文档数", "Documents it occurs in"),
    "reports.col_per_thousand": ("每千词频次", "Per 1,000 words"),
    "reports.col_document": ("文档", "Document"),
    "reports.col_left": ("上文", "Left context"),
    "reports.col_keyword": ("关键词", "Keyword"),
    "reports.col_right": ("下文", "Right context"),
    # navigation
    "reports.nav_analysis": ("代码频次与矩阵", "Frequencies & matrices"),
    "reports.nav_words": ("词频与上下文", "Words in context"),
    "reports.nav_agreement": ("编码者间一致性", "Inter-coder agreement"),
    # shared by the report pages
    "reports.download_csv": ("下载 CSV", "Download CSV"),
    "reports.download_xlsx": ("下载 Excel（XLSX）", "Download Excel (XLSX)"),
    "reports.col_position": ("位置", "Position"),
    "reports.col_excerpt": ("片段", "Excerpt"),
    "reports.nothing_coded": ("在当前筛选条件下没有编码片段。", "No codings match the current filter."),
    # code analysis page: frequencies, matrix, co-occurrence
    "reports.analysis_title": ("代码频次、矩阵与共现", "Code frequencies, matrices and co-occurrence"),
    "reports.analysis_help": (
        "代码（NVivo 中称“节点”）的频次、按个案属性或文档交叉的矩阵，以及代码共现。"
        "筛选条件对三个标签页同时生效。",
        "Frequencies of codes (“nodes” in NVivo), matrices by case attribute or document, and "
        "code co-occurrence. The filter applies to all three tabs."),
    "reports.filters": ("筛选：文档、编码者、个案属性", "Filter: documents, coders, case attributes"),
    "reports.filter_documents": ("文档", "Documents"),
    "reports.all_documents": ("全部文档", "All documents"),
    "reports.filter_coders": ("编码者", "Coders"),
    "reports.all_coders": ("全部编码者", "All coders"),
    "reports.filter_attributes": ("按个案属性筛选", "Filter by case attribute"),
    "reports.no_condition": ("不限", "No condition"),
    "reports.filter_values": ("“{attribute}”取值（任选其一）", "Values of “{attribute}” (any of)"),
    "reports.tab_frequencies": ("代码频次", "Code frequencies"),
    "reports.tab_matrix": ("矩阵", "Matrix"),
    "reports.tab_cooccurrence": ("共现", "Co-occurrence"),
    "reports.hide_empty": ("隐藏没有编码的代码", "Hide codes without codings"),
    "reports.chart_measure": ("图中显示", "Chart shows"),
    "reports.series_own": ("本代码", "The code itself"),
    "reports.series_total": ("含下级代码", "With sub-codes"),
    "reports.file_frequencies": ("代码频次", "code-frequencies"),
    "reports.matrix_columns": ("矩阵的列", "Matrix columns"),
    "reports.matrix_by_document": ("文档", "Documents"),
    "reports.matrix_by_attribute": ("个案属性：{attribute}", "Case attribute: {attribute}"),
    "reports.matrix_measure": ("单元格计数", "Cells count"),
    "reports.measure_codings": ("编码片段数", "Codings"),
    "reports.measure_cases": ("个案数", "Cases"),
    "reports.rolled_up": ("上级代码含下级代码", "Parents include sub-codes"),
    "reports.matrix_cases_per_column": ("各列的个案数（在筛选范围内）：{counts}",
                                        "Cases in each column (within the filter): {counts}"),
    "reports.matrix_uncased": (
        "另有 {count} 个编码片段不属于任何个案（例如未关联个案的观察笔记），未计入任何一列。",
        "{count} more codings belong to no case (field notes without a case, for example) and "
        "are in no column."),
    "reports.file_matrix": ("代码矩阵", "code-matrix"),
    "reports.unit": ("共现单位", "Co-occurrence unit"),
    "reports.unit_overlap": ("片段重叠", "Overlapping spans"),
    "reports.unit_sentence": ("同一句子", "Same sentence"),
    "reports.unit_passage": ("同一话轮/段落", "Same turn or paragraph"),
    "reports.unit_overlap_help": (
        "单元格：两个代码的编码片段至少共有一个字的次数（按编码片段对计）；对角线：该代码的编码片段数。",
        "Cells: pairs of codings of the two codes that share at least one character; "
        "diagonal: the code's codings."),
    "reports.unit_sentence_help": (
        "单元格：两个代码都触及的句子数；对角线：该代码触及的句子数。",
        "Cells: sentences both codes touch; diagonal: sentences the code touches."),
    "reports.unit_passage_help": (
        "单元格：两个代码都触及的话轮（观察笔记为段落）数；对角线：该代码触及的话轮数。",
        "Cells: turns (paragraphs in field notes) both codes touch; diagonal: turns the code touches."),
    "reports.pair_first": ("代码一（或点击热图中的格子）", "First code (or click a cell of the heat map)"),
    "reports.pair_second": ("代码二", "Second code"),
    "reports.excerpts": ("“{first}”与“{second}”共现之处（{count}）",
                         "Where “{first}” and “{second}” co-occur ({count})"),
    "reports.same_code": ("请选择两个不同的代码。", "Choose two different codes."),
    "reports.col_meeting": ("交汇处", "Where they meet"),
    "reports.heat_column": ("列", "Column"),
    "reports.file_cooccurrence": ("代码共现", "code-cooccurrence"),
    "reports.cooccurrence_table": ("共现矩阵（表格）", "Co-occurrence matrix as a table"),
    # words page
    "reports.words_title": ("词频与关键词上下文", "Word frequencies and keywords in context"),
    "reports.words_help": (
        "按项目词典（jieba）的分词结果统计；标点不计，停用词不列出。编码片段切断一个词时，"
        "该词有一半以上的字在片段内才计入（按整个词计）。同一处文本被多次编码只计一次。",
        "Counted on the project's stored jieba tokens; punctuation is never counted and stop words "
        "are not listed. When a coded span cuts a word, the word counts (as a whole) only if more "
        "than half of its characters lie inside. Text coded several times counts once."),
    "reports.words_code": ("代码的编码片段", "Segments of a code"),
    "reports.words_all_text": ("（不限代码：全部文本）", "(no code: all text)"),
    "reports.include_children": ("包括下级代码", "Include sub-codes"),
    "reports.stop_words": ("停用词", "Stop words"),
    "reports.stop_words_help": (
        "每行一个词（也可用空格、逗号或顿号分隔），“#”之后为注释。默认使用 Bianma 自带的中文停用词表；"
        "保存后本项目的所有成员都使用这份停用词表。",
        "One word per line (or separated by spaces, commas or 、); “#” starts a comment. Bianma's "
        "own Chinese list is the default; once saved, the list is the project's for everyone."),
    "reports.stop_words_save": ("保存停用词表", "Save the list"),
    "reports.stop_words_list": ("停用词表", "Stop-word list"),
    "reports.stop_words_reset": ("恢复默认停用词表", "Restore the default list"),
    "reports.skip_single": ("忽略单字词", "Ignore one-character words"),
    "reports.top_words": ("图中显示的高频词数", "Words in the chart"),
    "reports.words_tokens": ("总词数（不含标点）", "Words (punctuation excluded)"),
    "reports.words_distinct": ("列出的不同词", "Distinct words listed"),
    "reports.words_segments": ("编码片段数（合并后）", "Segments (merged)"),
    "reports.words_documents": ("文档数", "Documents"),
    "reports.words_none": ("这里没有可统计的词。", "There are no words to count here."),
    "reports.file_words": ("词频", "word-frequencies"),
    "reports.kwic": ("关键词上下文（KWIC）", "Keyword in context (KWIC)"),
    "reports.kwic_help": (
        "在同一范围内查看一个词的每次出现及其前后文字。",
        "Every occurrence of a word in the same scope, with the text on either side."),
    "reports.kwic_pick": ("从高频词中选择", "Pick a frequent word"),
    "reports.kwic_type": ("或输入一个词", "Or type a word"),
    "reports.kwic_whole_tokens": (
        "只匹配完整的词（关闭后也匹配词中的字串，如“茶话会”中的“话”）",
        "Whole words only (off: also inside longer words)"),
    "reports.kwic_width": ("上下文字数", "Characters of context"),
    "reports.kwic_count": ("“{word}”出现 {count} 次。", "“{word}” occurs {count} times."),
    "reports.file_kwic": ("关键词上下文", "keyword-in-context"),
    # agreement page
    "reports.agreement_title": ("编码者间一致性", "Inter-coder agreement"),
    "reports.blind": ("盲编码：在编码页只显示我自己的编码", "Blind coding: show only my own codings on the coding page"),
    "reports.blind_help": (
        "打开后，编码页隐藏其他编码者的编码，使一致性检验建立在独立判断之上。此设置按项目和编码者分别保存。",
        "When on, the coding page hides other coders' codings, so agreement rests on independent "
        "judgements. Kept per project and coder."),
    "reports.blind_on": ("已开启盲编码。", "Blind coding is on."),
    "reports.blind_off": ("已关闭盲编码。", "Blind coding is off."),
    "reports.agreement_how": ("各项指标如何计算", "How each figure is computed"),
    "reports.agreement_explained": (
        "**分析单位**：把文本切分为单位——字（话轮或段落中的非空白字符）、句子，或话轮（观察笔记为段落）。"
        "对每个代码，编码者在某单位上的取值为 1（其用该代码编码的片段触及该单位，即至少共有一个字）或 0。\n\n"
        "**缺失值**：编码者在某文档中一处编码也没有，视为没有编码该文档，其在该文档各单位上的取值为缺失，而不是 0。"
        "至少有两位编码者取值的单位为可配对单位，只有可配对单位参与计算。\n\n"
        "**百分比一致性**：所有有取值的编码者取值相同的可配对单位所占比例。\n\n"
        "**Cohen's κ**（仅两位编码者）：κ = (pₒ − pₑ) / (1 − pₑ)，pₒ 为观察一致率，pₑ 为根据两位编码者各自"
        "编码比例推算的随机一致率。\n\n"
        "**Krippendorff's α**（名义尺度，两位及以上编码者，允许缺失值）：α = 1 − Dₒ / Dₑ，由符合矩阵计算；"
        "此处取值为 0/1，α = 1 − (n − 1)·o₀₁ / (n₀·n₁)，与 krippendorff 软件包的结果一致。\n\n"
        "**全部代码**：每个（代码, 单位）组合是一次 0/1 判断，三项指标在全部判断上合并计算。"
        "多数单位没有任何编码，因此百分比一致性偏高；κ 与 α 对此作了校正。\n\n"
        "**置信区间**：百分位自助法（bootstrap），使用固定随机种子，同一种子得到同一区间。"
        "句子、话轮单位逐个重抽样；字单位按话轮整体重抽样，因为相邻的字不是彼此独立的判断。"
        "某次重抽样中指标无定义（例如所有人都是 0）时，该次不计入。\n\n"
        "**无定义**：所有取值都相同（没有人用过该代码，或处处都用了）时，κ 与 α 无定义，显示为“无定义”。",
        "**Units**: the text is cut into units — characters (non-blank characters of turns or "
        "paragraphs), sentences, or turns (paragraphs in field notes). For each code, a coder gives "
        "a unit 1 if one of their codings with that code touches it (shares at least one "
        "character), else 0.\n\n"
        "**Missing values**: a coder with no coding at all in a document has not coded it; their "
        "values for its units are missing, not 0. Units with values from at least two coders are "
        "pairable; only those count.\n\n"
        "**Percent agreement**: the share of pairable units on which all coders with values agree.\n\n"
        "**Cohen's κ** (two coders only): κ = (pₒ − pₑ) / (1 − pₑ), pₒ the observed agreement, "
        "pₑ the agreement expected from each coder's own proportions.\n\n"
        "**Krippendorff's α** (nominal, two or more coders, missing values allowed): α = 1 − Dₒ/Dₑ "
        "from the coincidence matrix; with 0/1 values α = 1 − (n − 1)·o₀₁ / (n₀·n₁), the same "
        "figure as the krippendorff package.\n\n"
        "**All codes**: every (code, unit) pair is one 0/1 decision; the figures are computed on "
        "all decisions pooled. Most units carry no code, which inflates percent agreement; κ and α "
        "correct for it.\n\n"
        "**Confidence intervals**: percentile bootstrap with a fixed seed (the same seed gives the "
        "same interval). Sentences and turns are resampled one by one; character units by whole "
        "turns, as neighbouring characters are not independent decisions. A resample in which a "
        "figure is undefined (everyone chose 0) is left out.\n\n"
        "**Undefined**: when all values are equal (nobody used the code, or everyone used it "
        "everywhere) κ and α are undefined."),
    "reports.agreement_coders": ("编码者（至少两位）", "Coders (two or more)"),
    "reports.choose_coders": ("选择编码者", "Choose coders"),
    "reports.agreement_all_documents": ("至少两位所选编码者都编码过的文档",
                                        "Documents at least two of the coders coded"),
    "reports.agreement_codes": ("代码", "Codes"),
    "reports.agreement_all_codes": ("所选编码者用过的全部代码", "Every code the coders used"),
    "reports.agreement_unit": ("分析单位", "Unit"),
    "reports.agreement_unit_character": ("字", "Character"),
    "reports.agreement_unit_sentence": ("句子", "Sentence"),
    "reports.agreement_unit_passage": ("话轮/段落", "Turn / paragraph"),
    "reports.bootstrap": ("自助法重抽样次数（0 为不计算区间）", "Bootstrap resamples (0: no intervals)"),
    "reports.seed": ("随机种子", "Random seed"),
    "reports.confidence": ("置信水平", "Confidence level"),
    "reports.agreement_compute": ("计算一致性", "Compute agreement"),
    "reports.agreement_start": ("选择至少两位编码者后点击“计算一致性”。",
                                "Choose at least two coders, then click “Compute agreement”."),
    "reports.agreement_result": ("{coders} 的一致性（单位：{unit}）", "Agreement of {coders} (unit: {unit})"),
    "reports.agreement_settings": (
        "{documents} 个文档；{bootstrap} 次自助法重抽样，随机种子 {seed}，置信区间 {confidence}，格式：估计值 [下限, 上限]。",
        "{documents} documents; {bootstrap} bootstrap resamples, seed {seed}, {confidence} "
        "intervals, shown as estimate [low, high]."),
    "reports.agreement_uncoded": (
        "{coder} 在以下文档中没有任何编码，这些文档中其取值按缺失处理：{documents}",
        "{coder} made no coding in these documents, so their values there are missing: {documents}"),
    "reports.col_units_character": ("可配对字数", "Pairable characters"),
    "reports.col_units_sentence": ("可配对句子数", "Pairable sentences"),
    "reports.col_units_passage": ("可配对话轮数", "Pairable turns"),
    "reports.col_coded_units": ("有人编码的单位", "Units someone coded"),
    "reports.col_percent": ("百分比一致性", "Percent agreement"),
    "reports.col_kappa": ("Cohen's κ", "Cohen's κ"),
    "reports.col_alpha": ("Krippendorff's α", "Krippendorff's α"),
    "reports.agreement_overall_note": (
        "“全部代码”一行的单位数为（代码, 单位）判断数。",
        "In the “All codes” row, units are (code, unit) decisions."),
    "reports.not_applicable": ("不适用（多于两位编码者）", "n/a (more than two coders)"),
    "reports.undefined": ("无定义", "undefined"),
    "reports.file_agreement": ("编码者间一致性", "intercoder-agreement"),
    "reports.disagreements": ("不一致之处（{count}）", "Disagreements ({count})"),
    "reports.no_disagreements": ("所选编码者在所有单位上完全一致。", "The coders agree on every unit."),
    "reports.disagreements_code": ("代码", "Code"),
    "reports.coder_column": ("编码者：{coder}", "Coder: {coder}"),
    "reports.not_coded": ("（未编码）", "(not coded)"),
    "reports.no_values": ("（未编码此文档）", "(did not code this document)"),
}
