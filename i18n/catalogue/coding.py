"""Messages of the coding area (E3xx)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "E301": ("所选片段 [{start}, {end}) 超出了文档范围（文档共 {length} 个字符）。",
             "The selected span [{start}, {end}) lies outside the document, which has {length} characters."),
    "E302": ("所选片段只有空白，无法编码。", "The selected span holds only white space and cannot be coded."),
    "E303": ("请至少选择一个代码。", "Choose at least one code."),
    "E304": ("未找到编码片段 {coding}。", "Coded segment {coding} was not found."),
    "E305": ("代码“{name}”仅用于分类（不可编码），请选择它的下级代码。",
             "The code “{name}” is a category only (not codable); choose one of its sub-codes."),
}
