"""Our OIDC provider at ``/o/``: django-oauth-toolkit's endpoints that we use, under its namespace.

Not mounted: the implicit/device/dynamic-registration endpoints and DOT's own application
management pages (city admins register clients in the back office).
"""

from django.urls import path, re_path
from oauth2_provider import views as dot_views

from dichvucong.identity import views

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("token/", dot_views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", dot_views.IntrospectTokenView.as_view(), name="introspect"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        dot_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    # RFC 8414 metadata; also what makes the RFC 9207 `iss` of authorization answers equal the issuer.
    path(
        ".well-known/oauth-authorization-server",
        dot_views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    path(".well-known/jwks.json", dot_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    path("logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
]
