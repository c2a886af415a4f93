"""Messages of the models area (the code suggester)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "E701": (
        "训练数据不一致：有{passages}个片段，却有{codings}组编码",
        "Training data do not match: {passages} passages but {codings} sets of codes",
    ),
    "E702": (
        "还没有足够的编码片段来训练编码建议：每个代码至少需要编码{minimum}次",
        "Not enough coded passages to learn suggestions: each code needs at least {minimum} codings",
    ),
    "E703": (
        "样本权重必须是{passages}个非负数，每个片段一个",
        "Sample weights must be {passages} non-negative numbers, one per passage",
    ),
    "E704": (
        "第{passage}个片段的代码“{code}”既被采纳又被拒绝",
        "Code “{code}” is both assigned to and rejected for passage {passage}",
    ),
    "E711": (
        "编码本是空的：至少需要一个代码才能给出编码建议",
        "The codebook is empty: suggestions need at least one code",
    ),
    "E720": (
        "模型还没有训练，不能保存",
        "The model has not been trained yet and cannot be saved",
    ),
    "E721": ("找不到模型文件：{path}", "Model file not found: {path}"),
    "E722": (
        "{path} 不是有效的 Bianma 模型文件，或文件已损坏",
        "{path} is not a valid Bianma model file, or it is damaged",
    ),
    "E723": (
        "拒绝加载 {path}：文件含有不受信任的类型（{types}），可能被篡改",
        "Refused to load {path}: it contains untrusted types ({types}) and may have been tampered with",
    ),
    "E724": (
        "模型 {path} 由 scikit-learn {saved} 保存，当前安装的是 {installed}：请重新训练模型",
        "Model {path} was saved with scikit-learn {saved} but {installed} is installed: please retrain the model",
    ),
    "E725": (
        "模型 {path} 是为另一个编码本训练的：编码本已改变，请重新训练模型",
        "Model {path} was trained for a different codebook: the codebook has changed, please retrain the model",
    ),
    "E726": (
        "模型 {path} 使用的自定义词典与当前项目不同：请重新训练模型",
        "Model {path} was made with a different user dictionary from this project's: please retrain the model",
    ),
    "E730": ("找不到数据文件：{path}", "Data file not found: {path}"),
    "E731": (
        "{path} 第{line}行不是有效的 JSON 对象",
        "{path} line {line} is not a valid JSON object",
    ),
    "E732": (
        "{path} 第{line}行的字段“{field}”缺失或格式不对",
        "{path} line {line}: field “{field}” is missing or malformed",
    ),
    "E733": ("{path} 里没有任何编码片段", "{path} holds no coded passages"),
    "E734": (
        "“{value}”不是有效的样本量列表：请写成用逗号分隔的正整数，例如 50,100,200",
        "“{value}” is not a valid list of sizes: write positive whole numbers separated by commas, e.g. 50,100,200",
    ),
}
