"""Messages of de-identification (E500–E549)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "E500": ("没有勾选要替换的内容，文本未作任何改动。",
             "Nothing was accepted for replacement; the text is unchanged."),
    "E501": ("未知的标识类型“{kind}”（可用：person、place、organisation、phone、id_number、other）。",
             "Unknown kind of identifier “{kind}” (use person, place, organisation, phone, id_number or other)."),
    "E502": ("“{original}”不能作为要替换的原文：原文不能为空、不能换行，且不超过 200 个字符。",
             "“{original}” cannot be replaced: an original must not be empty, must not contain a line break "
             "and must be at most 200 characters."),
    "E503": ("“{original}”的化名“{pseudonym}”无效：化名不能为空、不能换行、不能与原文相同，且不超过 200 个字符。",
             "The pseudonym “{pseudonym}” for “{original}” is not valid: it must not be empty, contain a line "
             "break or equal the original, and must be at most 200 characters."),
    "E504": ("化名“{pseudonym}”已用于另一原文，同一项目中每个化名只能对应一个原文。",
             "The pseudonym “{pseudonym}” already stands for another original; in a project each pseudonym "
             "stands for one original only."),
    "E505": ("“{original}”在对照表中已有化名“{existing}”，不能改为“{pseudonym}”：同一原文在项目中始终使用同一化名。",
             "“{original}” already has the pseudonym “{existing}” in the key and cannot become “{pseudonym}”: "
             "an original keeps one pseudonym throughout the project."),
    "E506": ("“{original}”出现了两次，且类型或化名不一致，请只保留一行。",
             "“{original}” is listed twice with different kinds or pseudonyms; keep one row."),
    "E507": ("化名“{pseudonym}”本身也是要替换的原文，请换一个化名。",
             "The pseudonym “{pseudonym}” is itself an original being replaced; choose another pseudonym."),
    "E508": ("替换后会有两个文档或个案同名（“{name}”），请先改名。",
             "After the replacement two documents or cases would share the name “{name}”; rename one first."),
    "E509": ("对照表文件第 {row} 行无法读取：需要 UTF-8 编码的 CSV，列为 类型、原文、化名（或 kind、original、pseudonym）。",
             "Row {row} of the key file cannot be read: a UTF-8 CSV with the columns kind, original, "
             "pseudonym (or 类型, 原文, 化名) is needed."),
    "E510": ("审核文件第 {row} 行无法读取：需要 JSON（bianma deidentify scan --json 的输出）或含“原文”“类型”列的 CSV。",
             "Row {row} of the review file cannot be read: JSON (the output of bianma deidentify scan --json) "
             "or a CSV with the columns original and kind is needed."),

    "privacy.nav": ("去标识化", "De-identification"),
    "privacy.title": ("去标识化", "De-identification"),
    "privacy.help": (
        "查找访谈文本中的人名、地名（村、镇、乡、街道、社区、小区）、工作单位、电话号码和身份证号，"
        "逐项审核后替换为一致的化名（张某、村A……）。已有编码的位置会随之调整；原文与化名的对照表单独保存，"
        "只有项目负责人可以导出。替换不能撤销，请先备份。",
        "Find personal names, places (villages, townships, communities, estates), work units, phone and "
        "ID-card numbers in the transcripts, review them, and replace them with consistent pseudonyms "
        "(张某, 村A …). Codings move with the text; the key from originals to pseudonyms is stored "
        "separately and only the project's owner can export it. Replacing cannot be undone: back up first."),
    "privacy.user_list": ("补充名单（每行一个人名或地名）", "Extra names (one name or place per line)"),
    "privacy.scan": ("查找标识信息", "Find identifiers"),
    "privacy.scanning": ("正在逐句标注词性，每万字约需两秒……", "Tagging every sentence, about two seconds per ten thousand characters…"),
    "privacy.scanned": ("共找到 {count} 项不同的标识信息。", "Found {count} distinct identifiers."),
    "privacy.none": ("没有找到标识信息。", "No identifiers were found."),
    "privacy.not_scanned": ("点击“查找标识信息”开始。", "Click “Find identifiers” to start."),
    "privacy.kind.person": ("人名", "Personal names"),
    "privacy.kind.place": ("地名", "Places"),
    "privacy.kind.organisation": ("工作单位", "Work units"),
    "privacy.kind.phone": ("电话号码", "Phone numbers"),
    "privacy.kind.id_number": ("身份证号", "ID-card numbers"),
    "privacy.kind.other": ("其他", "Other"),
    "privacy.kind_summary": ("{kind}：{distinct} 项，共出现 {count} 次", "{kind}: {distinct} distinct, {count} occurrences"),
    "privacy.col_accept": ("替换", "Replace"),
    "privacy.col_kind": ("类型", "Kind"),
    "privacy.col_original": ("原文", "Original"),
    "privacy.col_pseudonym": ("化名", "Pseudonym"),
    "privacy.col_count": ("次数", "Occurrences"),
    "privacy.col_documents": ("文档数", "Documents"),
    "privacy.col_example": ("上下文示例", "Example in context"),
    "privacy.col_in_key": ("已在对照表中", "In the key"),
    "privacy.apply": ("替换所勾选的内容", "Replace the ticked identifiers"),
    "privacy.applied": ("已替换 {replacements} 处（{documents} 个文档），调整了 {codings} 个编码片段的位置，新增 {keys} 条对照。",
                        "Replaced {replacements} occurrences in {documents} documents, moved {codings} codings, "
                        "added {keys} key entries."),
    "privacy.key": ("原文—化名对照表", "Key of originals and pseudonyms"),
    "privacy.key_prepare": ("导出对照表", "Export the key"),
    "privacy.key_download": ("下载对照表（CSV）", "Download the key (CSV)"),
    "privacy.key_owner_only": ("对照表只有项目负责人可以导出。", "Only the project's owner can export the key."),
}
