from django.urls import path

from tique.portal import suggestion_views, views, webhook_views

app_name = "portal"

urlpatterns = [
    path("", views.ticket_list, name="ticket-list"),
    path("new/", views.ticket_new, name="ticket-new"),
    path(
        "new/<str:category>/<slug:slug>/",
        views.ticket_create,
        name="ticket-create",
    ),
    path(
        "new/<str:category>/<slug:slug>/suggestions/",
        suggestion_views.suggestions,
        name="ticket-suggestions",
    ),
    path(
        "suggested/<str:key>/<int:article_id>/",
        suggestion_views.suggestion_open,
        name="suggestion-open",
    ),
    path("account/", views.switch_account, name="switch-account"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.api_tokens, name="api-tokens"),
    path(
        "profile/tokens/<int:token_id>/revoke/",
        views.api_token_revoke,
        name="api-token-revoke",
    ),
    path("profile/webhooks/", webhook_views.webhook_list, name="webhooks"),
    path(
        "profile/webhooks/<int:webhook_id>/",
        webhook_views.webhook_detail,
        name="webhook-detail",
    ),
    path(
        "profile/webhooks/<int:webhook_id>/state/",
        webhook_views.webhook_state,
        name="webhook-state",
    ),
    path(
        "profile/webhooks/<int:webhook_id>/ping/",
        webhook_views.webhook_ping,
        name="webhook-ping",
    ),
    path(
        "profile/webhooks/<int:webhook_id>/rotate-secret/",
        webhook_views.webhook_rotate_secret,
        name="webhook-rotate-secret",
    ),
    path(
        "profile/webhooks/<int:webhook_id>/delete/",
        webhook_views.webhook_delete,
        name="webhook-delete",
    ),
    path("<int:number>/", views.ticket_detail, name="ticket-detail"),
    path("<int:number>/reply/", views.ticket_reply, name="ticket-reply"),
    path("<int:number>/status/", views.ticket_status, name="ticket-status"),
    path("<int:number>/rate/", views.ticket_rate, name="ticket-rate"),
    path(
        "<int:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
]
