/**
 * Reading and writing the dvc:taskRules extension element of a user task, and the branch condition
 * (`action == "…"`) of a sequence flow leaving a gateway. Every write goes through the command stack,
 * so undo/redo and the "unsaved changes" state work as for any other edit.
 */

import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

export const RULE_ATTRIBUTES = [ 'stage', 'role', 'agency', 'budgetHours', 'actions' ];

export function getTaskRules(element) {
  const extensionElements = getBusinessObject(element).get('extensionElements');
  if (!extensionElements) {
    return null;
  }
  return (extensionElements.get('values') || []).find((value) => is(value, 'dvc:TaskRules')) || null;
}

export function getRule(element, name) {
  const rules = getTaskRules(element);
  const value = rules ? rules.get(name) : undefined;
  return value === undefined || value === null ? '' : String(value);
}

/** The commands that make sure the task has a dvc:taskRules element, then set ``properties`` on it. */
export function setRules(element, injector, properties) {
  const bpmnFactory = injector.get('bpmnFactory');
  const commandStack = injector.get('commandStack');
  const businessObject = getBusinessObject(element);
  const commands = [];

  let extensionElements = businessObject.get('extensionElements');
  if (!extensionElements) {
    extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensionElements.$parent = businessObject;
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: businessObject, properties: { extensionElements } },
    });
  }

  let rules = getTaskRules(element);
  if (!rules) {
    rules = bpmnFactory.create('dvc:TaskRules', {});
    rules.$parent = extensionElements;
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: {
        element,
        moddleElement: extensionElements,
        properties: { values: [ ...(extensionElements.get('values') || []), rules ] },
      },
    });
  }

  const cleaned = {};
  Object.keys(properties).forEach((name) => {
    const value = properties[name];
    cleaned[name] = value === '' || value === null ? undefined : value;
  });
  commands.push({
    cmd: 'element.updateModdleProperties',
    context: { element, moddleElement: rules, properties: cleaned },
  });
  commandStack.execute('properties-panel.multi-command-executor', commands);
}

export function getActions(element) {
  return getRule(element, 'actions')
    .split(',')
    .map((action) => action.trim())
    .filter(Boolean);
}

/** ``agency`` is ``receiving`` | ``field_owner`` | ``parent`` | ``code:<QCVN code>``. */
export function splitAgency(value) {
  if (value.startsWith('code:')) {
    return { rule: 'code', code: value.slice(5) };
  }
  return { rule: value, code: '' };
}

const CONDITION = /^\s*action\s*==\s*["']([a-z_]+)["']\s*$/;

export function isGatewayFlow(element) {
  if (!is(element, 'bpmn:SequenceFlow')) {
    return false;
  }
  const source = getBusinessObject(element).get('sourceRef');
  return !!source && (is(source, 'bpmn:ExclusiveGateway') || is(source, 'bpmn:InclusiveGateway'));
}

/** '' (no condition), an action name, or ``custom:<expression>`` for an expression we cannot show as a choice. */
export function getConditionAction(element) {
  const expression = getBusinessObject(element).get('conditionExpression');
  const body = expression ? (expression.get('body') || '') : '';
  if (!body.trim()) {
    return '';
  }
  const match = CONDITION.exec(body);
  return match ? match[1] : `custom:${body}`;
}

export function setConditionAction(element, injector, action) {
  const bpmnFactory = injector.get('bpmnFactory');
  const modeling = injector.get('modeling');
  if (action.startsWith('custom:')) {
    return;
  }
  let conditionExpression;
  if (action) {
    conditionExpression = bpmnFactory.create('bpmn:FormalExpression', { body: `action == "${action}"` });
  }
  modeling.updateProperties(element, { conditionExpression });
}
