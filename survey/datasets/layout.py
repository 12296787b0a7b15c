"""The columns of one questionnaire's dataset across all its versions, aligned by variable name.

Item types describe their own columns (`item.variables()`); this module only lines them up: the
newest version's order first, columns only older versions had after them, each column knowing
the versions that have it and the scales it belongs to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from survey.questionnaires.definition import Definition, Scale
from survey.questionnaires.items import Item
from survey.questionnaires.variables import Variable, column_name

from .columns import Column
from .hierarchies import Activity, QuasiIdentifier, QuestionnaireLanguage, SubmissionDate, item_quasi_identifier


class ExportError(Exception):
    """The export cannot be built as asked; the message says why in plain words."""


@dataclass
class Layout:
    questionnaire: str
    definitions: dict[int, Definition]
    item_columns: list[Column]                   # every item column, QI items at their exact level
    items: dict[str, Item]                       # by var, from the newest version that has it
    scales: list[Scale]                          # by id, from the newest version that has it
    scale_versions: dict[str, tuple[int, ...]]
    quasi_identifiers: list[QuasiIdentifier]
    sensitive: dict[str, list[str]]              # non-QI sensitive item -> its columns
    languages: list[str]
    variables_of: dict[str, list[Variable]] = field(default_factory=dict)   # var -> its Variables

    @property
    def qi_items(self) -> set[str]:
        return {qi.name for qi in self.quasi_identifiers} - {"date", "activity", "language"}

    def columns_of(self, var: str) -> list[Column]:
        names = {v.name for v in self.variables_of[var]}
        return [c for c in self.item_columns if c.name in names]


def build_layout(definitions: Mapping[int, Definition], activity_groups: Mapping[str, str] | None = None) -> Layout:
    if not definitions:
        raise ExportError("No questionnaire version was given, so there is nothing to export.")
    versions = sorted(definitions)
    ids = {definitions[v].id for v in versions}
    if len(ids) > 1:
        raise ExportError(f"One export covers one questionnaire; these versions belong to {sorted(ids)}.")

    newest_first = list(reversed(versions))
    items: dict[str, Item] = {}
    variables: dict[str, Variable] = {}
    variables_of: dict[str, list[Variable]] = {}
    column_versions: dict[str, list[int]] = {}
    labels: dict[str, dict] = {}
    for version in newest_first:
        for item in definitions[version].items.values():
            items.setdefault(item.var, item)
            for variable in item.variables():
                known = variables.get(variable.name)
                if known is not None and known.storage != variable.storage:
                    raise ExportError(
                        f"Column {variable.name} holds {variable.storage} answers in version {version} "
                        f"but {known.storage} answers in a newer version. Give the changed item a new name.")
                variables.setdefault(variable.name, variable)
                variables_of.setdefault(item.var, [])
                if variable.name not in {v.name for v in variables_of[item.var]}:
                    variables_of[item.var].append(variable)
                column_versions.setdefault(variable.name, []).append(version)
                # value labels of all versions, the newest wording winning
                labels.setdefault(variable.name, {})
                for code, text in variable.value_labels.items():
                    labels[variable.name].setdefault(code, text)

    scales: dict[str, Scale] = {}
    scale_versions: dict[str, list[int]] = {}
    for version in newest_first:
        for scale in definitions[version].scales:
            scales.setdefault(scale.id, scale)
            scale_versions.setdefault(scale.id, []).append(version)
    membership: dict[str, list[str]] = {}
    for scale in scales.values():
        for var in scale.items:
            membership.setdefault(var, []).append(f"{scale.id} (reversed)" if var in scale.reverse else scale.id)

    item_columns = []
    for name, variable in variables.items():
        item = items[variable.item]
        item_columns.append(Column(
            name=name, label=variable.label, role="free_text" if variable.free_text else "item",
            measure=variable.measure, storage=variable.storage, value_labels=labels[name],
            missing_codes=variable.missing_codes, integer=variable.integer, item=variable.item,
            versions=tuple(sorted(column_versions[name])), scales=tuple(membership.get(variable.item, ())),
            translation_status=dict(item.spec.get("translation_status", {})),
            note="free text: scrubbed by pattern, read it before sharing" if variable.free_text else ""))

    layout = Layout(
        questionnaire=ids.pop(), definitions={v: definitions[v] for v in versions}, item_columns=item_columns,
        items=items, scales=list(scales.values()),
        scale_versions={k: tuple(sorted(v)) for k, v in scale_versions.items()},
        quasi_identifiers=[], sensitive={}, variables_of=variables_of,
        languages=list(dict.fromkeys(lang for v in newest_first for lang in definitions[v].languages)))

    qis: list[QuasiIdentifier] = [SubmissionDate(), Activity(activity_groups), QuestionnaireLanguage()]
    for var, item in items.items():
        if any(v.quasi_identifier for v in variables_of.get(var, ())):   # a note has no variables
            qi = item_quasi_identifier(item, layout.columns_of(var), variables_of[var])
            if qi is None:
                raise ExportError(f"Item {var} is marked as a quasi-identifier, but no generalization "
                                  f"is known for its type ({item.type}).")
            qis.append(qi)
        elif any(v.sensitive and not v.free_text for v in variables_of.get(var, ())):
            layout.sensitive[var] = [v.name for v in variables_of[var]]
    layout.quasi_identifiers = qis
    return layout


def scale_column_names(scale: Scale) -> tuple[str, str]:
    """The score column and the column counting the scale's answered items."""
    return column_name(scale.id), column_name(f"{scale.id}_n")
