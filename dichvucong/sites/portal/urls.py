from django.urls import path

from . import account_views, catalog_views, notification_views, security_views, token_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", catalog_views.procedure_search, name="procedure_search"),
    path("thu-tuc/linh-vuc/<slug:code>/", catalog_views.procedures_by_field, name="procedures_by_field"),
    path("thu-tuc/co-quan/<str:code>/", catalog_views.procedures_by_agency, name="procedures_by_agency"),
    path("thu-tuc/cap/<slug:level>/", catalog_views.procedures_by_level, name="procedures_by_level"),
    path(
        "thu-tuc/su-kien/<slug:slug>/",
        catalog_views.procedures_by_life_event,
        name="procedures_by_life_event",
    ),
    path("thu-tuc/phuong/", catalog_views.choose_ward, name="choose_ward"),
    path("thu-tuc/<str:code>/", catalog_views.procedure_detail, name="procedure_detail"),
    path("hoi-dap/", catalog_views.faq_page, name="faq"),
    path("tro-ly/", catalog_views.assistant, name="assistant"),
    path("tuyen-bo-tro-nang/", views.accessibility_statement, name="accessibility"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    # Accounts: registration, password reset, profile, businesses, personal data (account_views).
    path("dang-ky/", account_views.register, name="register"),
    path("dang-ky/xac-minh/", account_views.register_verify, name="register_verify"),
    path("quen-mat-khau/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", account_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("quen-mat-khau/dien-thoai/", account_views.password_reset_phone, name="password_reset_phone"),
    path(
        "quen-mat-khau/dien-thoai/ma/",
        account_views.password_reset_phone_code,
        name="password_reset_phone_code",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tai-khoan/", account_views.profile, name="account_profile"),
    path("tai-khoan/xac-minh/<slug:purpose>/", account_views.contact_verify, name="account_contact_verify"),
    path("tai-khoan/muc-xac-thuc/", account_views.assurance, name="account_assurance"),
    path("tai-khoan/doanh-nghiep/", account_views.business_list, name="account_business"),
    path("tai-khoan/doanh-nghiep/<int:pk>/", account_views.business_detail, name="account_business_detail"),
    path("tai-khoan/du-lieu/", account_views.data_page, name="account_data"),
    path("tai-khoan/du-lieu/tai-ve/", account_views.data_download, name="account_data_download"),
    path("login/xac-thuc/", security_views.two_factor_verify, name="two_factor_verify"),
    path("login/mo-khoa/<str:token>/", security_views.account_unlock, name="account_unlock"),
    path("tai-khoan/bao-mat/", security_views.account_security, name="account_security"),
    path("tai-khoan/bao-mat/xac-thuc-hai-lop/", security_views.two_factor_enrol, name="two_factor_enrol"),
    path("tai-khoan/bao-mat/tat-xac-thuc/", security_views.two_factor_disable, name="two_factor_disable"),
    path(
        "tai-khoan/bao-mat/ma-du-phong/",
        security_views.backup_codes_regenerate,
        name="backup_codes_regenerate",
    ),
    path("tai-khoan/bao-mat/phien/<int:pk>/dang-xuat/", security_views.session_revoke, name="session_revoke"),
    path(
        "tai-khoan/bao-mat/phien/dang-xuat-khac/",
        security_views.sessions_revoke_others,
        name="sessions_revoke_others",
    ),
    path("tai-khoan/ma-truy-cap/", token_views.account_tokens, name="account_tokens"),
    path(
        "tai-khoan/ma-truy-cap/<int:token_id>/thu-hoi/",
        token_views.account_token_revoke,
        name="account_token_revoke",
    ),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        notification_views.notification_mark_all_read,
        name="notifications_read_all",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        notification_views.notification_mark_read,
        name="notification_read",
    ),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
]
