"""Answer errors as codes with parameters; the web layer turns them into the respondent's language."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AnswerError(Exception):
    """One problem with one answer. `code` is stable: API clients and translations key on it."""

    code: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:  # for logs and the CLI, never for respondents
        return f"{self.code} {self.params}" if self.params else self.code


# The codes the validator can give, so translations and the OpenAPI description list them all.
ERROR_CODES = (
    "required",        # a required, shown item has no answer
    "wrong_type",      # e.g. a list for a number, a dict for a choice
    "not_a_number",    # text where a number was expected
    "not_an_integer",  # 2.5 where a whole number was expected
    "too_small",       # params: min
    "too_large",       # params: max
    "unknown_choice",  # a value that is not in the choice list
    "too_long",        # params: max_length
    "unknown_variable",
    "not_answerable",  # an answer to an information note
    "year_out_of_range",  # params: min, max
)
