"""Every table, re-exported from the feature that owns it, so Alembic and scripts find them in one import."""
from .audit.models import AuditRecord
from .auth.models import StaffUser
from .auth.permissions import ROLES
from .auth.tokens import ApiToken
from .clock import utcnow
from .fieldwork.models import AUDIENCES, CHANNELS, COLLECTION_CHANNELS, WAVES, Collection, CollectionState
from .kiosk.models import Kiosk
from .questionnaires.models import Questionnaire, QuestionnaireVersion
from .responses.models import Response
from .results.models import (AnswerTally, IndicatorTally, JourneyStart, PartnerScope, PublicResults, ResponseMix,
                             ResponseTally)

__all__ = ["AUDIENCES", "ApiToken", "CHANNELS", "COLLECTION_CHANNELS", "ROLES", "WAVES", "AuditRecord", "Collection",
           "CollectionState", "AnswerTally", "IndicatorTally", "JourneyStart", "Kiosk", "PartnerScope",
           "PublicResults", "ResponseMix", "ResponseTally", "Questionnaire", "QuestionnaireVersion", "Response",
           "StaffUser", "utcnow"]
