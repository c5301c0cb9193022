from django.urls import path

from tique.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.ticket_list, name="ticket-list"),
    path("new/", views.ticket_new, name="ticket-new"),
    path(
        "new/<str:category>/<slug:slug>/",
        views.ticket_create,
        name="ticket-create",
    ),
    path("account/", views.switch_account, name="switch-account"),
    path("profile/", views.profile, name="profile"),
    path("<int:number>/", views.ticket_detail, name="ticket-detail"),
    path("<int:number>/reply/", views.ticket_reply, name="ticket-reply"),
    path("<int:number>/status/", views.ticket_status, name="ticket-status"),
    path(
        "<int:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
]
