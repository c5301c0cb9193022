from django.urls import path

from tique.help import views

app_name = "help"

urlpatterns = [
    path("", views.index, name="index"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("<slug:slug>/", views.article_detail, name="article"),
    path("<slug:slug>/vote/", views.article_vote, name="article-vote"),
]
