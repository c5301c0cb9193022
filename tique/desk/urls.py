from django.urls import include, path

from tique.desk import kb_report, kb_views, reports, satisfaction_report, views

app_name = "desk"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/tokens/", views.api_tokens, name="api-tokens"),
    path(
        "preferences/tokens/<int:token_id>/revoke/",
        views.api_token_revoke,
        name="api-token-revoke",
    ),
    path("reports/", include([*reports.urlpatterns, *satisfaction_report.urlpatterns])),
    path("reports/", include(kb_report.urlpatterns)),
    path("help/", include(kb_views.urlpatterns)),
    *kb_views.ticket_urlpatterns,
    path("canned/", views.canned_create, name="canned-create"),
    path("canned/<int:reply_id>/delete/", views.canned_delete, name="canned-delete"),
    path("tickets/<int:number>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<int:number>/reply/", views.ticket_reply, name="ticket-reply"),
    path("tickets/<int:number>/update/", views.ticket_update, name="ticket-update"),
    path("tickets/<int:number>/take/", views.ticket_take, name="ticket-take"),
    path("tickets/<int:number>/merge/", views.ticket_merge, name="ticket-merge"),
    path("tickets/<int:number>/link/", views.ticket_link, name="ticket-link"),
    path("tickets/<int:number>/outage/", views.ticket_outage, name="ticket-outage"),
    path("tickets/<int:number>/broadcast/", views.outage_broadcast, name="outage-broadcast"),
    path("tickets/<int:number>/presence/", views.presence, name="presence"),
    path("tickets/<int:number>/canned/", views.canned_insert, name="canned-insert"),
    path(
        "tickets/<int:number>/messages/<int:message_id>/original/",
        views.message_original,
        name="message-original",
    ),
    path(
        "tickets/<int:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
]
