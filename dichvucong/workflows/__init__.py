"""Workflows: BPMN process definitions, their versions, running instances and the open-task projection.

Owns: ``ProcessDefinition`` / ``ProcessVersion`` (draft → published → superseded), the task rules
drawn on each user task (``dvc:taskRules``), validation with readable problems, running a process for
any subject (referred to by ``subject_type`` + ``subject_id``), the ``OpenTask`` projection that
worklists query, working-hour deadlines and SLA colours of tasks, reminders, escalations and timers.

Does not own: dossiers, procedures or anything they mean. Higher apps start a workflow for their
subject, complete its tasks through ``services`` and describe their subjects through ``hooks``.
SpiffWorkflow is imported by ``engine.py`` only (an import-linter contract enforces it).
"""
