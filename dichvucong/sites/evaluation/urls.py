from django.urls import path

from . import lookup_views, rating_views, views

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("tra-cuu/", lookup_views.lookup, name="lookup"),
    path("ho-so/<str:code>/", rating_views.choose_stage, name="choose_stage"),
    path("ho-so/<str:code>/<slug:stage>/", rating_views.rate_stage, name="rate_stage"),
]
