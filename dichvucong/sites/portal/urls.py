from django.urls import path

from . import notification_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    # Placeholder until the procedure catalog issue replaces this view (keep the name).
    path("thu-tuc/", views.procedure_search, name="procedure_search"),
    path("tuyen-bo-tro-nang/", views.accessibility_statement, name="accessibility"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
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
