from django.urls import path

from . import admin_views, audit_views, catalog_views, faq_views, oidc_client_views, security_views, views

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
    path("users/<int:pk>/reveal/", admin_views.user_reveal, name="user_reveal"),
    path(
        "users/<int:pk>/two-factor/reset/", security_views.user_reset_two_factor, name="user_reset_two_factor"
    ),
    path("oidc/", oidc_client_views.oidc_client_list, name="oidc_clients"),
    path("oidc/new/", oidc_client_views.oidc_client_create, name="oidc_client_create"),
    path("oidc/<int:pk>/", oidc_client_views.oidc_client_detail, name="oidc_client_detail"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
    path("catalog/", catalog_views.catalog_list, name="catalog"),
    path("catalog/<str:code>/", catalog_views.catalog_detail, name="catalog_detail"),
    path("catalog/<str:code>/draft/", catalog_views.catalog_start_draft, name="catalog_start_draft"),
    path("catalog/<str:code>/edit/", catalog_views.catalog_edit, name="catalog_edit"),
    path("catalog/<str:code>/publish/", catalog_views.catalog_publish, name="catalog_publish"),
    path("catalog/<str:code>/discard/", catalog_views.catalog_discard, name="catalog_discard"),
    path("catalog/<str:code>/versions/<int:number>/", catalog_views.catalog_version, name="catalog_version"),
    path("faq/", faq_views.faq_list, name="faq_list"),
    path("faq/new/", faq_views.faq_create, name="faq_create"),
    path("faq/import/", faq_views.faq_import, name="faq_import"),
    path("faq/<int:pk>/", faq_views.faq_edit, name="faq_edit"),
    path("faq/<int:pk>/published/", faq_views.faq_set_published, name="faq_set_published"),
]
