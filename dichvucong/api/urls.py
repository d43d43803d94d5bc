"""REST API v1 root: each app contributes its routes here."""

from django.urls import path

from dichvucong.agencies.api import AgencyListView
from dichvucong.api.views import SchemaView
from dichvucong.dossiers.api import DossierDetailView, DossierListCreateView, LookupView
from dichvucong.evaluations.api import EvaluationCriteriaView
from dichvucong.identity.api import MeView
from dichvucong.procedures.api import (
    FieldListView,
    LifeEventListView,
    ProcedureDetailView,
    ProcedureSearchView,
)
from dichvucong.procedures.assistant_api import AssistantView
from dichvucong.reports.api import StatisticsView

app_name = "api"

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("agencies/", AgencyListView.as_view(), name="agencies"),
    path("me/", MeView.as_view(), name="me"),
    path("assistant/", AssistantView.as_view(), name="assistant"),
    path("procedures/", ProcedureSearchView.as_view(), name="procedures"),
    path("procedures/<str:code>/", ProcedureDetailView.as_view(), name="procedure"),
    path("fields/", FieldListView.as_view(), name="fields"),
    path("life-events/", LifeEventListView.as_view(), name="life-events"),
    path("dossiers/", DossierListCreateView.as_view(), name="dossiers"),
    path("dossiers/<str:code>/", DossierDetailView.as_view(), name="dossier"),
    path("lookup/<str:code>/", LookupView.as_view(), name="lookup"),
    path("statistics/", StatisticsView.as_view(), name="statistics"),
    path("evaluation-criteria/", EvaluationCriteriaView.as_view(), name="evaluation-criteria"),
]
