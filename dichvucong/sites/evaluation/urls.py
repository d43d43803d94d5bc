from django.urls import path

from . import lookup_views, views

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("tra-cuu/", lookup_views.lookup, name="lookup"),
]
