"""Messages of the suggester in the store: training from projects, suggestions, decisions (E740–E769)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # -- errors ---------------------------------------------------------------------------
    "E740": (
        "编码片段还太少，无法训练编码建议：还需要至少{missing}个编码片段（现在有{have}个，至少需要{need}个，"
        "并且至少{codes}个代码各编码两次以上）",
        "Too few coded passages to train suggestions: at least {missing} more are needed ({have} now; "
        "at least {need} are needed, and at least {codes} codes coded twice or more)",
    ),
    "E741": (
        "代码映射的目标（代码 {code}）不在本项目中，或是只用于归类、不能直接编码的代码",
        "The mapping target (code {code}) is not in this project, or it is a category-only code that cannot be applied",
    ),
    "E742": (
        "代码映射里的代码 {code} 不属于所选的来源项目",
        "Code {code} in the mapping does not belong to the chosen source projects",
    ),
    "E743": ("本项目中找不到编码建议模型 {model}", "Suggester model {model} was not found in this project"),
    "E744": (
        "本项目还没有训练好的编码建议模型：请先在“编码建议”页训练",
        "This project has no trained suggester yet: train one on the Suggestions page first",
    ),
    "E745": ("找不到片段 {passage}", "Passage {passage} was not found"),
    "E746": (
        "这个片段已经用“{code}”编码，不能再拒绝这条建议；如果编码有误，请删除该编码",
        "This passage is already coded with “{code}”, so the suggestion cannot be rejected; "
        "remove the coding if it is wrong",
    ),
    "E747": ("置信度 {value} 不在 0 到 1 之间", "Confidence {value} is not between 0 and 1"),
    "E748": (
        "未知的排序方式“{order}”：可选 {choices}",
        "Unknown order “{order}”: choose one of {choices}",
    ),
    "E749": (
        "每个片段的建议数必须在 1 到 {maximum} 之间",
        "The number of suggestions per passage must be between 1 and {maximum}",
    ),
    # -- training stages and undo steps -----------------------------------------------------
    "suggestions.stage_gather": ("正在收集编码片段…", "Gathering coded passages…"),
    "suggestions.stage_evaluate": (
        "正在用留出的文档评估质量…", "Measuring quality on held-out documents…"),
    "suggestions.stage_fit": ("正在用全部编码片段训练…", "Training on all coded passages…"),
    "suggestions.stage_save": ("正在保存模型…", "Saving the model…"),
    "suggestions.stage_done": ("训练完成", "Training finished"),
    "suggestions.history_accept": (
        "采纳编码建议“{code}”：{text}", "accept the suggestion “{code}”: {text}"),
    "suggestions.history_machine": (
        "用{model}自动编码{documents}个文档", "code {documents} documents with {model}"),
    # -- the suggester page -------------------------------------------------------------------
    "suggestions.nav": ("建议模型", "Suggester"),
    "suggestions.title": ("建议模型：训练与版本", "Suggester: training and versions"),
    "suggestions.help": (
        "用已编码的片段训练编码建议：可以选本项目，也可以选以前的项目。训练时留出约五分之一的文档检验质量，"
        "然后用全部片段训练并保存为新版本。模型只保存在本地数据库里，访谈内容不会发送到任何地方。",
        "Train suggestions on coded passages, from this project and/or earlier ones. About a fifth of the "
        "documents is held out to measure quality, then the model is trained on everything and stored as a "
        "new version. Models stay in your local database; no interview text is sent anywhere.",
    ),
    "suggestions.train_header": ("训练", "Training"),
    "suggestions.sources": ("用哪些项目的编码训练", "Projects whose codings to learn from"),
    "suggestions.sources_help": (
        "默认只用本项目。选了其他项目时，要先确认它们的代码对应本编码本中的哪个代码。",
        "By default only this project. For other projects, confirm below which code of this codebook each of their codes stands for.",
    ),
    "suggestions.mapping_header": ("代码对应", "Code mapping"),
    "suggestions.mapping_help": (
        "代码按完整路径对应，其次按唯一的同名代码对应；{unmatched}个代码没有找到对应。"
        "在“本项目代码”一列为它们选择对应的代码，或选“不使用”。",
        "Codes are matched by full path, then by a unique code of the same name; {unmatched} codes found no match. "
        "Choose their code in the “Code here” column, or “not used”.",
    ),
    "suggestions.mapping_unused": ("（不使用）", "(not used)"),
    "suggestions.match_path": ("路径相同", "same path"),
    "suggestions.match_name": ("名称相同", "same name"),
    "suggestions.match_none": ("未对应", "no match"),
    "suggestions.col_project": ("来源项目", "Source project"),
    "suggestions.col_source": ("来源代码", "Source code"),
    "suggestions.col_codings": ("编码数", "Codings"),
    "suggestions.col_match": ("对应方式", "Matched by"),
    "suggestions.col_target": ("本项目代码", "Code here"),
    "suggestions.train": ("训练新版本", "Train a new version"),
    "suggestions.with_report": ("用留出的文档检验质量", "Measure quality on held-out documents"),
    "suggestions.with_report_help": (
        "先用约五分之四的文档训练、在其余文档上打分，再用全部文档训练：训练时间约为两倍。",
        "Train on about four fifths of the documents and score the rest, then train on everything: about twice the time.",
    ),
    "suggestions.report_skipped": (
        "这个版本训练时没有检验质量。", "This version was trained without a quality check."),
    "suggestions.trained": (
        "{model}已训练好并启用：学习了{passages}个片段，用时{seconds}秒。",
        "{model} is trained and in use: it learnt from {passages} passages in {seconds} s.",
    ),
    "suggestions.no_versions": (
        "还没有训练过模型：编码页面上的建议暂时来自编码本（代码名称、定义和示例）。",
        "No model trained yet: suggestions on the coding page come from the codebook (code names, definitions, examples) for now.",
    ),
    "suggestions.versions_header": ("版本", "Versions"),
    "suggestions.col_version": ("版本", "Version"),
    "suggestions.col_active": ("使用中", "In use"),
    "suggestions.col_created": ("训练时间", "Trained"),
    "suggestions.col_coder": ("训练者", "Trained by"),
    "suggestions.col_sources": ("训练数据来自", "Trained on"),
    "suggestions.col_passages": ("编码片段", "Coded passages"),
    "suggestions.choose_version": ("查看版本", "Version to look at"),
    "suggestions.active": ("使用中", "in use"),
    "suggestions.activate": ("启用这个版本", "Use this version"),
    "suggestions.activated": ("现在使用{model}给出编码建议。", "Suggestions now come from {model}."),
    "suggestions.confirm_delete": ("确认删除{model}", "Yes, delete {model}"),
    "suggestions.delete": ("删除这个版本", "Delete this version"),
    "suggestions.deleted": (
        "{model}已删除；由它建议的编码保留。", "{model} was deleted; codings it suggested are kept."),
    "suggestions.report_header": ("{model}的质量报告", "Quality report of {model}"),
    "suggestions.report_summary": (
        "训练数据：{passages}个片段（其中{coded}个已编码），来自{documents}个文档；{rejections}条被拒绝的建议作为反例；用时{seconds}秒。",
        "Training data: {passages} passages ({coded} coded) from {documents} documents; {rejections} rejected suggestions as negatives; {seconds} s.",
    ),
    "suggestions.report_unavailable": (
        "留出一部分文档后剩下的编码太少，这个版本没有质量报告；再多编码一些后重新训练。",
        "Too few codings were left once documents were held out, so this version has no quality report; code more and train again.",
    ),
    "suggestions.held_out_documents": (
        "以下数字来自训练时留出的{documents}个文档（{passages}个片段），模型没有见过它们。",
        "These figures come from {documents} documents ({passages} passages) held out from training: the model never saw them.",
    ),
    "suggestions.held_out_passages": (
        "文档太少，无法整篇留出：以下数字来自随机留出的{passages}个片段。",
        "Too few documents to hold whole ones out: these figures come from {passages} passages held out at random.",
    ),
    "suggestions.col_figure": ("指标", "Figure"),
    "suggestions.col_value": ("数值", "Value"),
    "suggestions.col_meaning": ("含义", "Meaning"),
    "suggestions.fig_example_f1": ("片段 F1", "Example F1"),
    "suggestions.fig_example_f1_help": (
        "每个片段上自动选中的代码与人工编码的重合程度（F1），再对片段取平均",
        "Overlap (F1) of the pre-selected codes with the human codes of each passage, averaged over passages",
    ),
    "suggestions.fig_p_at_1": ("首条命中率 P@1", "P@1"),
    "suggestions.fig_p_at_1_help": (
        "已编码片段中，第一条建议正是人工编码的比例", "Share of coded passages whose first suggestion is a human code"),
    "suggestions.fig_r_at_3": ("前三召回率 R@3", "R@3"),
    "suggestions.fig_r_at_3_help": (
        "人工编码出现在前三条建议中的比例", "Share of the human codes found among the first three suggestions"),
    "suggestions.fig_micro_f1": ("微平均 F1", "Micro F1"),
    "suggestions.fig_micro_f1_help": (
        "所有（片段，代码）判断合在一起计算的 F1", "F1 over all (passage, code) decisions pooled"),
    "suggestions.fig_macro_f1": ("宏平均 F1", "Macro F1"),
    "suggestions.fig_macro_f1_help": (
        "每个代码分别计算 F1 再平均，少用的代码与常用的代码同样重要",
        "F1 per code, then averaged: rare codes count as much as frequent ones",
    ),
    "suggestions.col_code": ("代码", "Code"),
    "suggestions.col_precision": ("精确率", "Precision"),
    "suggestions.col_recall": ("召回率", "Recall"),
    "suggestions.col_support": ("人工编码数", "Human codings"),
    "suggestions.col_predicted": ("自动选中数", "Pre-selected"),
    "suggestions.training_data": ("训练数据与版本信息", "Training data and version details"),
    "suggestions.mapping_used": ("来自“{project}”的代码对应：", "Code mapping used for “{project}”:"),
    "suggestions.versions_meta": (
        "scikit-learn {sklearn}；编码本指纹 {codebook}；词典版本 {dictionary}",
        "scikit-learn {sklearn}; codebook fingerprint {codebook}; dictionary version {dictionary}",
    ),
    "suggestions.machine_header": ("让模型作为编码者", "The suggester as a coder"),
    "suggestions.machine_help": (
        "模型把它会选中的代码写成编码，编码者名为“{coder}”，之前它在这些文档中的编码会被替换。"
        "之后可以在“编码者间一致性”页面把它和研究者比较。",
        "The model writes the codes it would pre-select as codings by the coder “{coder}”, replacing its earlier "
        "codings in these documents. Compare it with people on the agreement page.",
    ),
    "suggestions.machine_documents": ("文档", "Documents"),
    "suggestions.all_documents": ("全部文档", "All documents"),
    "suggestions.machine_run": ("用{model}编码", "Code with {model}"),
    "suggestions.machine_done": (
        "“{coder}”在{documents}个文档中写入{added}条编码（替换了{removed}条）。",
        "“{coder}” made {added} codings in {documents} documents (replacing {removed}).",
    ),
    # -- review mode ------------------------------------------------------------------------
    "suggestions.review_nav": ("审阅建议", "Review"),
    "suggestions.review_title": ("逐段审阅编码建议", "Review suggestions passage by passage"),
    "suggestions.review_help": (
        "一次一个尚未编码的片段。按 1–3 采纳对应的建议，Shift+1–3 拒绝，N 跳到下一段。",
        "One uncoded passage at a time. Press 1–3 to accept a suggestion, Shift+1–3 to reject it, N for the next passage.",
    ),
    "suggestions.review_order": ("顺序", "Order"),
    "suggestions.order_uncertainty": ("最能帮助模型的优先", "Most instructive first"),
    "suggestions.order_confidence": ("最有把握的优先", "Most confident first"),
    "suggestions.review_order_help": (
        "“最能帮助模型”：模型最拿不准（把握接近 50%）的片段在前，您的判断最能改进下一版；"
        "“最有把握”：快速确认模型有把握的片段。",
        "“Most instructive”: passages the model is least sure about (near 50%) come first, where your decision "
        "improves the next version most; “most confident”: confirm the sure ones quickly.",
    ),
    "suggestions.review_remaining": ("待审阅", "To review"),
    "suggestions.review_accepted": ("已采纳", "Accepted"),
    "suggestions.review_rejected": ("已拒绝", "Rejected"),
    "suggestions.review_skipped": ("已跳过", "Skipped"),
    "suggestions.source_model": ("建议来自{model}。", "Suggestions from {model}."),
    "suggestions.source_codebook": (
        "还没有训练模型：建议来自编码本，数值是匹配强度而不是概率。",
        "No model trained yet: suggestions come from the codebook; the figure is a match strength, not a probability.",
    ),
    "suggestions.review_done": ("没有待审阅的片段了。", "No passages left to review."),
    "suggestions.review_again": ("重新审阅跳过的{count}个片段", "Review the {count} skipped passages again"),
    "suggestions.review_where": ("{document}，第{turn}段", "{document}, passage {turn}"),
    "suggestions.strength": ("匹配强度 {value}", "match strength {value}"),
    "suggestions.reasons": ("依据：{words}", "Because of: {words}"),
    "suggestions.accept": ("采纳", "Accept"),
    "suggestions.reject": ("拒绝", "Reject"),
    "suggestions.review_accepted_one": ("已采纳“{code}”。", "Accepted “{code}”."),
    "suggestions.review_rejected_one": ("已拒绝“{code}”。", "Rejected “{code}”."),
    "suggestions.review_next": ("下一段", "Next passage"),
}
