"""The questionnaire side by side in Swedish and another language, each text with its translation
state, so a coordinator sees before an event what respondents will read and what is still a draft."""
from __future__ import annotations

from dataclasses import dataclass

from ..questionnaires.definition import Definition
from ..questionnaires.texts import MISSING, owners, status, translatable_texts


@dataclass(frozen=True)
class PreviewRow:
    key: str
    context: str
    reference: str         # the Swedish text
    reference_status: str
    text: str              # the text in the language previewed ("" when missing)
    status: str            # missing, draft, published or reviewed

    @property
    def marked(self) -> bool:
        return self.status in (MISSING, "draft")


def preview_rows(definition: Definition, reference: str, lang: str) -> list[PreviewRow]:
    document = definition.data
    document_owners = owners(document)
    return [PreviewRow(text.key, text.context, text.get(reference), status(document_owners, text, reference),
                       text.get(lang), status(document_owners, text, lang))
            for text in translatable_texts(document)]
