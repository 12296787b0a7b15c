"""Every table, re-exported from the feature that owns it, so Alembic and scripts find them in one import."""
from .audit.models import AuditRecord
from .auth.models import StaffUser
from .auth.permissions import ROLES
from .auth.tokens import ApiToken
from .clock import utcnow
from .fieldwork.models import AUDIENCES, CHANNELS, COLLECTION_CHANNELS, WAVES, Collection, CollectionState
from .questionnaires.models import Questionnaire, QuestionnaireVersion
from .responses.models import Response

__all__ = ["AUDIENCES", "ApiToken", "CHANNELS", "COLLECTION_CHANNELS", "ROLES", "WAVES", "AuditRecord", "Collection",
           "CollectionState", "Questionnaire", "QuestionnaireVersion", "Response", "StaffUser", "utcnow"]
