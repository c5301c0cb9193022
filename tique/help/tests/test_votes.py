""" "Was this helpful?": one vote per signed-in user or per browser (voting again changes
it), an optional comment, counts and comments shown to staff only."""

from django.urls import reverse

from conftest import english_client, signed_in
from tique.help.views import BROWSER_COOKIE
from tique.kb.models import ArticleVote
from tique.kb.services import COMMENT_MAX
from tique.kb.tests.helpers import write


def vote_url(article):
    return reverse("help:article-vote", kwargs={"slug": article.slug})


def page_url(article):
    return reverse("help:article", kwargs={"slug": article.slug})


def test_a_user_votes_once_and_voting_again_changes_the_vote(agent, acme_admin):
    article = write(agent, es=("Eco", "Texto"))
    client = signed_in(acme_admin)
    assert client.post(vote_url(article), {"helpful": "yes"}).status_code == 302
    client.post(vote_url(article), {"helpful": "no", "comment": "Falta un paso"})
    [vote] = ArticleVote.objects.filter(article=article)
    assert (vote.user, vote.helpful, vote.comment) == (acme_admin, False, "Falta un paso")


def test_an_anonymous_browser_gets_one_vote_through_its_cookie(agent):
    article = write(agent, es=("Eco", "Texto"))
    client = english_client()
    first = client.post(vote_url(article), {"helpful": "yes"})
    assert BROWSER_COOKIE in first.cookies
    client.post(vote_url(article), {"helpful": "no"})
    assert ArticleVote.objects.filter(article=article).count() == 1
    english_client().post(vote_url(article), {"helpful": "yes"})  # another browser
    assert ArticleVote.objects.filter(article=article).count() == 2


def test_a_forged_browser_cookie_is_not_someone_elses_vote(agent):
    article = write(agent, es=("Eco", "Texto"))
    english_client().post(vote_url(article), {"helpful": "yes"})
    forger = english_client()
    forger.cookies[BROWSER_COOKIE] = ArticleVote.objects.get().browser
    forger.post(vote_url(article), {"helpful": "no"})
    assert sorted(ArticleVote.objects.values_list("helpful", flat=True)) == [False, True]


def test_a_vote_with_no_choice_or_a_long_comment_is_refused_and_kept(agent, acme_admin):
    article = write(agent, es=("Eco", "Texto"))
    client = signed_in(acme_admin)
    response = client.post(vote_url(article), {"comment": "Sin elegir"})
    assert response.status_code == 400
    assert "Choose yes or no." in response.content.decode()
    assert "Sin elegir" in response.content.decode()
    long = "x" * (COMMENT_MAX + 1)
    response = client.post(vote_url(article), {"helpful": "no", "comment": long})
    assert response.status_code == 400
    assert long in response.content.decode()
    assert not ArticleVote.objects.exists()


def test_staff_see_counts_and_comments_customers_do_not(agent, acme_admin, ana):
    article = write(agent, es=("Eco", "Texto"))
    signed_in(acme_admin).post(vote_url(article), {"helpful": "no", "comment": "Confuso"})
    signed_in(ana).post(vote_url(article), {"helpful": "yes"})
    staff = signed_in(agent).get(page_url(article)).content.decode()
    assert "1 found it helpful, 1 did not." in staff and "Confuso" in staff
    customer = signed_in(ana).get(page_url(article)).content.decode()
    assert "Confuso" not in customer and "found it helpful" not in customer
    assert "You found this article helpful." in customer


def test_an_htmx_vote_answers_the_feedback_box_only(agent, acme_admin):
    article = write(agent, es=("Eco", "Texto"))
    response = signed_in(acme_admin).post(
        vote_url(article), {"helpful": "yes"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="kb-feedback"')
    assert "You found this article helpful." in html
