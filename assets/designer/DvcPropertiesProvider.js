/**
 * The "Quy tắc xử lý" / "Processing rules" group of a user task and the "Điều kiện rẽ nhánh" / "Branch
 * condition" group of a sequence flow leaving a gateway. Officers fill form controls; the XML
 * (dvc:taskRules, bpmn:conditionExpression) is written for them.
 *
 * Option values and labels come from the page (`config.dvc`, rendered by Django in the user's language),
 * so the server's constants stay the one source of truth.
 */

import { h } from '@bpmn-io/properties-panel/preact';
import {
  CheckboxEntry,
  Group,
  NumberFieldEntry,
  SelectEntry,
  TextFieldEntry,
  isCheckboxEntryEdited,
  isNumberFieldEntryEdited,
  isSelectEntryEdited,
  isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { is } from 'bpmn-js/lib/util/ModelUtil';

import {
  getActions,
  getConditionAction,
  getRule,
  isGatewayFlow,
  setConditionAction,
  setRules,
  splitAgency,
} from './rules';

const LOW_PRIORITY = 400;

// Our fields write on every keystroke instead of after the panel's usual pause, so a quick "Save" right
// after typing never drops the last value.
const immediately = (fn) => fn;

function options(choices, emptyLabel) {
  const list = choices.map(([ value, label ]) => ({ value, label }));
  return emptyLabel ? [ { value: '', label: emptyLabel }, ...list ] : list;
}

function RuleSelect(props) {
  const { element, id, name, label, choices, emptyLabel } = props;
  const injector = useService('injector');
  return h(SelectEntry, {
    element,
    id,
    label,
    getValue: () => getRule(element, name),
    setValue: (value) => setRules(element, injector, { [name]: value }),
    getOptions: () => options(choices, emptyLabel),
  });
}

function AgencyRuleSelect(props) {
  const { element, id, label, choices, emptyLabel } = props;
  const injector = useService('injector');
  return h(SelectEntry, {
    element,
    id,
    label,
    getValue: () => splitAgency(getRule(element, 'agency')).rule,
    setValue: (rule) => {
      const { code } = splitAgency(getRule(element, 'agency'));
      setRules(element, injector, { agency: rule === 'code' ? `code:${code}` : rule });
    },
    getOptions: () => options(choices, emptyLabel),
  });
}

function AgencyCodeField(props) {
  const { element, id, label, description } = props;
  const injector = useService('injector');
  return h(TextFieldEntry, {
    element,
    id,
    label,
    description,
    debounce: immediately,
    getValue: () => splitAgency(getRule(element, 'agency')).code,
    setValue: (code) => setRules(element, injector, { agency: `code:${(code || '').trim()}` }),
  });
}

function BudgetField(props) {
  const { element, id, label, description } = props;
  const injector = useService('injector');
  return h(NumberFieldEntry, {
    element,
    id,
    label,
    description,
    debounce: immediately,
    min: 0.5,
    step: 0.5,
    getValue: () => getRule(element, 'budgetHours'),
    setValue: (value) =>
      setRules(element, injector, { budgetHours: value === undefined || Number.isNaN(value) ? '' : String(value) }),
  });
}

function ActionCheckbox(props) {
  const { element, id, label, action, order } = props;
  const injector = useService('injector');
  return h(CheckboxEntry, {
    element,
    id,
    label,
    getValue: () => getActions(element).includes(action),
    setValue: (checked) => {
      const chosen = new Set(getActions(element));
      if (checked) {
        chosen.add(action);
      } else {
        chosen.delete(action);
      }
      // Keep the order of the choices, so the XML does not change when nothing changed.
      setRules(element, injector, { actions: order.filter((name) => chosen.has(name)).join(',') });
    },
  });
}

function ConditionSelect(props) {
  const { element, id, label, description, choices, emptyLabel, customLabel } = props;
  const injector = useService('injector');
  return h(SelectEntry, {
    element,
    id,
    label,
    description,
    getValue: () => getConditionAction(element),
    setValue: (value) => setConditionAction(element, injector, value),
    getOptions: () => {
      const list = options(choices, emptyLabel);
      const current = getConditionAction(element);
      if (current.startsWith('custom:')) {
        list.push({ value: current, label: `${customLabel}: ${current.slice(7)}` });
      }
      return list;
    },
  });
}

function taskRulesGroup(element, config) {
  const labels = config.labels;
  const entries = [
    {
      id: 'dvc-stage',
      component: RuleSelect,
      isEdited: isSelectEntryEdited,
      name: 'stage',
      label: labels.stage,
      choices: config.stages,
      emptyLabel: labels.choose,
    },
    {
      id: 'dvc-role',
      component: RuleSelect,
      isEdited: isSelectEntryEdited,
      name: 'role',
      label: labels.role,
      choices: config.roles,
      emptyLabel: labels.choose,
    },
    {
      id: 'dvc-agency',
      component: AgencyRuleSelect,
      isEdited: isSelectEntryEdited,
      label: labels.agency,
      choices: config.agencyRules,
      emptyLabel: labels.choose,
    },
  ];
  if (splitAgency(getRule(element, 'agency')).rule === 'code') {
    entries.push({
      id: 'dvc-agency-code',
      component: AgencyCodeField,
      isEdited: isTextFieldEntryEdited,
      label: labels.agencyCode,
      description: labels.agencyCodeHelp,
    });
  }
  entries.push({
    id: 'dvc-budget-hours',
    component: BudgetField,
    isEdited: isNumberFieldEntryEdited,
    label: labels.budgetHours,
    description: labels.budgetHoursHelp,
  });
  const order = config.actions.map(([ value ]) => value);
  config.actions.forEach(([ action, label ]) => {
    entries.push({
      id: `dvc-action-${action}`,
      component: ActionCheckbox,
      isEdited: isCheckboxEntryEdited,
      label: `${labels.actionPrefix}: ${label}`,
      action,
      order,
    });
  });
  return { id: 'dvc-task-rules', label: labels.group, component: Group, entries };
}

function conditionGroup(config) {
  const labels = config.labels;
  return {
    id: 'dvc-condition',
    label: labels.conditionGroup,
    component: Group,
    entries: [
      {
        id: 'dvc-condition-action',
        component: ConditionSelect,
        isEdited: isSelectEntryEdited,
        label: labels.condition,
        description: labels.conditionHelp,
        choices: config.actions,
        emptyLabel: labels.noCondition,
        customLabel: labels.customCondition,
      },
    ],
  };
}

export default function DvcPropertiesProvider(propertiesPanel, config) {
  this._config = config;
  propertiesPanel.registerProvider(LOW_PRIORITY, this);
}

DvcPropertiesProvider.$inject = [ 'propertiesPanel', 'config.dvc' ];

DvcPropertiesProvider.prototype.getGroups = function (element) {
  const config = this._config;
  return (groups) => {
    if (is(element, 'bpmn:UserTask')) {
      // Right after "General", where an administrator looks first.
      const general = groups.findIndex((group) => group.id === 'general');
      groups.splice(general + 1, 0, taskRulesGroup(element, config));
    } else if (isGatewayFlow(element)) {
      groups.push(conditionGroup(config));
    }
    return groups;
  };
};
