/**
 * The process designer island of the back office (bundled by scripts/vendor_assets.py with esbuild into
 * dichvucong/static/vendor/bpmn/designer.js; no CDN, no inline script, no eval).
 *
 * The page provides, all rendered by Django:
 *   #dvc-designer            data-readonly="true|false", holding #dvc-canvas and #dvc-properties
 *   #dvc-bpmn-xml            json_script: the XML to open
 *   #dvc-designer-config     json_script: choices and labels of the "Processing rules" group
 *   form.js-bpmn-form        forms (save, publish) whose field [name=bpmn_xml] is filled from
 *                            modeler.saveXML() when they are submitted
 *   a[data-problem-element]  links in the problem list: a click selects that element in the diagram
 *   #dvc-status              a live region for "unsaved changes" and errors
 * The bpmn.io watermark (a.bjs-powered-by) is bpmn-js's own and stays visible (its licence).
 */

import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';

import DvcPaletteProvider from './DvcPaletteProvider';
import DvcPropertiesProvider from './DvcPropertiesProvider';
import dvcModdle from './dvc-moddle.json';
import { makeTranslate } from './translations';

const WIDE_ENOUGH = '(min-width: 48em)';

function readJson(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function announce(text) {
  const status = document.getElementById('dvc-status');
  if (status) {
    status.textContent = text;
  }
}

function translateModule(language) {
  return { translate: [ 'value', makeTranslate(language) ] };
}

const editingModule = {
  __init__: [ 'dvcPropertiesProvider', 'dvcPaletteProvider' ],
  dvcPropertiesProvider: [ 'type', DvcPropertiesProvider ],
  dvcPaletteProvider: [ 'type', DvcPaletteProvider ],
};

function markProblems(viewer) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  document.querySelectorAll('a[data-problem-element]').forEach((link) => {
    const id = link.getAttribute('data-problem-element');
    if (registry.get(id)) {
      canvas.addMarker(id, 'dvc-has-problem');
    }
  });
}

function linkProblems(viewer, canvasNode) {
  document.querySelectorAll('a[data-problem-element]').forEach((link) => {
    link.addEventListener('click', (event) => {
      const element = viewer.get('elementRegistry').get(link.getAttribute('data-problem-element'));
      if (!element) {
        return;
      }
      event.preventDefault();
      try {
        viewer.get('selection').select(element);
      } catch (error) {
        // The read-only viewer has no selection service: scrolling to the element is enough.
      }
      viewer.get('canvas').scrollToElement(element);
      canvasNode.focus();
    });
  });
}

function wireForms(modeler, labels) {
  let dirty = false;
  modeler.on('commandStack.changed', () => {
    dirty = true;
    announce(labels.unsaved);
  });
  window.addEventListener('beforeunload', (event) => {
    if (dirty) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
  document.querySelectorAll('form.js-bpmn-form').forEach((form) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      modeler
        .saveXML({ format: true })
        .then(({ xml }) => {
          form.querySelector('[name="bpmn_xml"]').value = xml;
          dirty = false;
          form.submit();
        })
        .catch((error) => announce(`${labels.saveFailed} ${error.message}`));
    });
  });
}

function open(root) {
  const xml = readJson('dvc-bpmn-xml');
  const config = readJson('dvc-designer-config');
  const language = document.documentElement.lang || 'vi';
  const readOnly = root.dataset.readonly === 'true';
  const canvasNode = document.getElementById('dvc-canvas');
  const options = { container: canvasNode, moddleExtensions: { dvc: dvcModdle } };
  let viewer;
  if (readOnly) {
    viewer = new NavigatedViewer({ ...options, additionalModules: [ translateModule(language) ] });
  } else {
    viewer = new Modeler({
      ...options,
      dvc: config,
      propertiesPanel: { parent: '#dvc-properties' },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        editingModule,
        translateModule(language),
      ],
    });
  }
  root.classList.add('designer--ready');
  viewer
    .importXML(xml)
    .then(({ warnings }) => {
      viewer.get('canvas').zoom('fit-viewport', 'auto');
      markProblems(viewer);
      if (warnings.length) {
        announce(config.labels.importWarnings.replace('%(count)s', String(warnings.length)));
      }
    })
    .catch((error) => announce(`${config.labels.openFailed} ${error.message}`));
  linkProblems(viewer, canvasNode);
  if (!readOnly) {
    wireForms(viewer, config.labels);
  }
  window.dvcDesigner = viewer; // for the browser test and for people debugging in the console
}

function start() {
  const root = document.getElementById('dvc-designer');
  if (!root) {
    return;
  }
  // On narrow screens the page shows the task table instead; the modeler opens once the screen is wide
  // enough (a container without a real size would render an empty diagram).
  const wide = window.matchMedia(WIDE_ENOUGH);
  if (wide.matches) {
    open(root);
    return;
  }
  const later = (event) => {
    if (event.matches) {
      wide.removeEventListener('change', later);
      open(root);
    }
  };
  wide.addEventListener('change', later);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
