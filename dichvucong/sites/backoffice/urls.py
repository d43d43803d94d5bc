from django.urls import path

from . import admin_views, audit_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin_views.admin_home, name="admin_home"),
    path("agencies/", admin_views.agency_list, name="agencies"),
    path("agencies/<int:pk>/", admin_views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", admin_views.agency_edit, name="agency_edit"),
    path("users/", admin_views.user_list, name="users"),
    path("users/new/", admin_views.user_create, name="user_create"),
    path("users/<int:pk>/", admin_views.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", admin_views.user_set_active, name="user_set_active"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
]
