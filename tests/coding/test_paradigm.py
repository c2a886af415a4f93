"""The paradigm model: built from the roles of main categories, drawn as SVG and PNG."""

import io

import defusedxml.ElementTree
import pytest
from PIL import Image

from codebook.codes import add_code_path, find_code_by_path
from coding import paradigm
from coding.grounded import set_grounded_fields
from coding.paradigm import (
    ParadigmEntry, ParadigmModel, find_cjk_font, layout, paradigm_model, paradigm_png, paradigm_svg,
)
from corpus.projects import create_project
from i18n import BianmaError

SVG = "{http://www.w3.org/2000/svg}"
ROLE_LABELS = ["因果条件", "现象", "情境", "中介条件", "行动策略", "结果"]


@pytest.fixture
def study(Session):
    with Session.begin() as s:
        project = create_project(s, "范式模型")
        for path in ["再嵌入/生活断裂/网络萎缩/不认识邻居", "再嵌入/生活断裂/生计中断/没地种",
                     "再嵌入/融入困境/<script>x&/被当外人",
                     "再嵌入/多层次介入/社区活动/茶话会", "再嵌入/社区融合/重建支持/新朋友"]:
            add_code_path(s, project.id, path)

        def code(path):
            return find_code_by_path(s, project.id, path).id

        roles = {"再嵌入/生活断裂": "causal_condition", "再嵌入/融入困境": "phenomenon",
                 "再嵌入/多层次介入": "action_strategy", "再嵌入/社区融合": "consequence",
                 # a category given a role shows its own sub-codes
                 "再嵌入/多层次介入/社区活动": "context"}
        for path, role in roles.items():
            set_grounded_fields(s, project.id, code(path), paradigm_role=role)
        set_grounded_fields(s, project.id, code("再嵌入"), relation_meaning="断裂之后，介入促成再嵌入。")
        return project.id


def model_of(Session, project_id):
    with Session() as s:
        return paradigm_model(s, project_id)


def test_model_from_roles(Session, study):
    model = model_of(Session, study)
    summary = {role: [(e.name, e.level, e.members) for e in entries] for role, entries in model.roles}
    assert summary == {
        "causal_condition": [("生活断裂", "main_category", ("网络萎缩", "生计中断"))],
        "phenomenon": [("融入困境", "main_category", ('<script>x&',))],
        "context": [("社区活动", "category", ("茶话会",))],
        "intervening_condition": [],
        "action_strategy": [("多层次介入", "main_category", ("社区活动",))],
        "consequence": [("社区融合", "main_category", ("重建支持",))],
    }
    assert model.core == (("再嵌入", "断裂之后，介入促成再嵌入。"),)
    assert not model.empty


def texts(svg: str) -> list[str]:
    root = defusedxml.ElementTree.fromstring(svg)
    return [element.text for element in root.iter(f"{SVG}text")]


def test_svg_holds_the_roles_in_order_and_escapes_names(Session, study):
    svg = paradigm_svg(model_of(Session, study))
    assert svg.startswith("<svg ")
    assert "<script" not in svg and '&lt;script&gt;x&amp;' in svg
    lines = texts(svg)  # well-formed XML, read back
    assert [line for line in lines if line in ROLE_LABELS] == ROLE_LABELS
    assert lines[0] == "核心范畴：再嵌入"
    assert "断裂之后，介入促成再嵌入。" in lines
    assert {"生活断裂", "· 网络萎缩", "· 生计中断", '· <script>x&', "（未指定）"} <= set(lines)
    root = defusedxml.ElementTree.fromstring(svg)
    assert len(root.findall(f"{SVG}line")) == 5  # the arrows between six boxes


def test_svg_in_english_and_without_any_role():
    empty = ParadigmModel(tuple((role, ()) for role in paradigm.PARADIGM_ROLES), ())
    assert empty.empty
    lines = texts(paradigm_svg(empty, "en"))
    assert lines[:2] == ["Causal conditions", "(none yet)"]
    assert "Consequences" in lines


def test_long_names_wrap_inside_their_box():
    name = "搬迁安置带来的生活方式、生计方式与社会关系的全面断裂"
    model = ParadigmModel(tuple((role, (ParadigmEntry(1, name, "main_category", ()),) if role == "phenomenon"
                                 else ()) for role in paradigm.PARADIGM_ROLES), ())
    shape = layout(model)
    wrapped = [t.content for t in shape.texts if t.content and t.content in name]
    assert "".join(wrapped) == name and len(wrapped) > 1
    box = shape.boxes[1]
    assert all(paradigm.text_width(line, paradigm.BODY) <= box.width - 2 * paradigm.PAD for line in wrapped)


def test_png_with_the_machines_cjk_font(Session, study):
    font = find_cjk_font()
    assert font is not None, "a CJK font (fonts-wqy-microhei or fonts-noto-cjk) must be installed"
    model = model_of(Session, study)
    data = paradigm_png(model, font=font)
    image = Image.open(io.BytesIO(data))
    shape = layout(model)
    assert (image.format, image.size) == ("PNG", (shape.width * 2, shape.height * 2))
    # the first box's header band has its colour and, in dark ink, its label
    header = shape.headers[0]
    band = image.crop(((header.x + 8) * 2, (header.y + 4) * 2, (header.x + header.width - 8) * 2,
                       (header.y + header.height - 4) * 2))
    colours = {colour for _count, colour in band.getcolors(maxcolors=100_000)}
    assert (0xfd, 0xe2, 0xe4) in colours
    assert any(max(colour) < 0x60 for colour in colours)


def test_png_without_a_cjk_font_says_how_to_fix_it(Session, study, monkeypatch):
    monkeypatch.setattr(paradigm, "find_cjk_font", lambda: None)
    model = model_of(Session, study)
    with pytest.raises(BianmaError) as error:
        paradigm_png(model)
    assert error.value.code == "E278"
    assert "没有找到中文字体" in str(error.value) and "No Chinese font was found" in str(error.value)
    assert "BIANMA_CJK_FONT" in str(error.value)
    assert paradigm_svg(model).startswith("<svg ")  # the SVG still works


def test_font_named_in_the_environment_comes_first(tmp_path, monkeypatch):
    chosen = tmp_path / "my-font.ttf"
    chosen.write_bytes(b"not really a font")
    monkeypatch.setenv("BIANMA_CJK_FONT", str(chosen))
    assert find_cjk_font() == chosen
    monkeypatch.setenv("BIANMA_CJK_FONT", str(tmp_path / "missing.ttf"))
    assert find_cjk_font() != tmp_path / "missing.ttf"
