"""Messages of the corpus area: importing interview transcripts and field notes."""

MESSAGES: dict[str, tuple[str, str]] = {
    "E101": (
        "文件“{filename}”是空的，没有可导入的内容。",
        "The file “{filename}” is empty; there is nothing to import.",
    ),
    "E102": (
        "文件“{filename}”有 {size_mb} MB，超过了 {limit_mb} MB 的上限，未导入。",
        "The file “{filename}” is {size_mb} MB, over the {limit_mb} MB limit; it was not imported.",
    ),
    "E103": (
        "不支持文件“{filename}”的格式（{extension}）。请导入 .txt、.docx、.csv 或 .xlsx 文件。",
        "The format of “{filename}” ({extension}) is not supported. "
        "Import a .txt, .docx, .csv or .xlsx file.",
    ),
    "E104": (
        "文件“{filename}”看起来是二进制文件（例如图片或程序），不是文本，未导入。",
        "The file “{filename}” looks like a binary file (an image or a program, for example), "
        "not text; it was not imported.",
    ),
    "E105": (
        "无法识别文件“{filename}”的文字编码。请用记事本或 WPS 将它另存为 UTF-8 后再导入。",
        "The text encoding of “{filename}” could not be recognised. "
        "Save it as UTF-8 (in Notepad or WPS, for example) and import it again.",
    ),
    "E106": (
        "文件“{filename}”不是有效的 Word（.docx）文档。如果是旧的 .doc 文件，请先另存为 .docx。",
        "The file “{filename}” is not a valid Word (.docx) document. "
        "If it is an old .doc file, save it as .docx first.",
    ),
    "E107": (
        "文件“{filename}”不是有效的 Excel（.xlsx）工作簿。如果是旧的 .xls 文件，请先另存为 .xlsx。",
        "The file “{filename}” is not a valid Excel (.xlsx) workbook. "
        "If it is an old .xls file, save it as .xlsx first.",
    ),
    "E108": (
        "文件“{filename}”解压后超过 {limit_mb} MB，可能是恶意构造的压缩文件，已拒绝导入。",
        "The file “{filename}” unpacks to more than {limit_mb} MB and may be a maliciously "
        "crafted archive; it was refused.",
    ),
    "E109": (
        "文件“{filename}”内含的条目超过 {limit} 个，可能是恶意构造的压缩文件，已拒绝导入。",
        "The file “{filename}” holds more than {limit} entries and may be a maliciously "
        "crafted archive; it was refused.",
    ),
    "E110": (
        "文件“{filename}”中的 XML 含有文档类型声明（DTD），存在安全风险，已拒绝导入。",
        "The XML inside “{filename}” contains a document type declaration (DTD), "
        "which is unsafe; the file was refused.",
    ),
    "E111": (
        "表格“{filename}”中找不到文本列（现有表头：{header}）。请把文本所在列的表头改为“内容”或“文本”。",
        "The table “{filename}” has no text column (its header is: {header}). "
        "Name the column that holds the text “内容” or “text”.",
    ),
    "E112": (
        "表格“{filename}”第{row}行：无法识别时间“{value}”，请写成“时:分:秒”（如 00:12:31）或“分:秒”。",
        "Row {row} of the table “{filename}”: the time “{value}” was not recognised; "
        "write it as hours:minutes:seconds (00:12:31, for example) or minutes:seconds.",
    ),
    "E113": (
        "表格“{filename}”第{row}行附近的 CSV 格式有误，无法读取。请检查引号是否成对。",
        "The CSV file “{filename}” is malformed near row {row} and could not be read. "
        "Check that its quotation marks are paired.",
    ),
    "E114": (
        "文件“{filename}”中没有可导入的文字。",
        "The file “{filename}” contains no text to import.",
    ),
}
