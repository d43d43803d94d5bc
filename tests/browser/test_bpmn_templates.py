"""The shipped workflow templates (``dichvucong/workflows/bpmn/``) open in bpmn-js (the designer's
library) without import warnings, with every
flow element drawn (diagram interchange present for each), so the designer and progress view show them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dichvucong.workflows.shipped import SHIPPED_TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
VIEWER = ROOT / "node_modules" / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"

IMPORT = """async (xml) => {
  const viewer = new BpmnJS({container: '#canvas'});
  const result = await viewer.importXML(xml);
  const shapes = viewer.get('elementRegistry').filter(e => e.businessObject && e.businessObject.id).length;
  return {warnings: result.warnings.map(w => w.message), shapes};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("template", SHIPPED_TEMPLATES, ids=lambda t: t.key)
def test_shipped_template_renders_in_bpmn_js(page, template) -> None:
    """bpmn-js imports the file with no warnings and draws more than the participant and lanes."""
    if not VIEWER.exists():
        pytest.skip("node_modules/bpmn-js is not installed (npm ci)")
    page.set_content("<html><body><div id='canvas' style='width:1600px;height:800px'></div></body></html>")
    page.add_script_tag(path=str(VIEWER))
    result = page.evaluate(IMPORT, template.path.read_text(encoding="utf-8"))
    assert result["warnings"] == []
    assert result["shapes"] > 10
