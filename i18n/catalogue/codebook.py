"""Messages of the codebook area (E2xx)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "E201": ("代码名称不能为空。", "A code name must not be empty."),
    "E202": ("代码名称“{name}”不能包含“/”，“/”用于分隔代码路径的层级。",
             "The code name “{name}” must not contain “/”, which separates the levels of a code path."),
    "E203": ("颜色“{color}”无效，请使用 #RRGGBB 格式，例如 #f4a261。",
             "The colour “{color}” is not valid; use the #RRGGBB form, e.g. #f4a261."),
    "E204": ("同一层级下已有名为“{name}”的代码。", "A code named “{name}” already exists at this level."),
    "E205": ("未找到代码 {code}。", "Code {code} was not found."),
    "E206": ("不能把代码“{name}”移到它自己或它的下级代码之下。",
             "The code “{name}” cannot be moved under itself or one of its own sub-codes."),
    "E207": ("未找到代码路径“{path}”。", "No code has the path “{path}”."),
}
