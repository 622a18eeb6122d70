from django.urls import path  # noqa: F401 - the lines below the markers use it

from scoring import views, views_dashboard, views_evaluation, views_trainings

app_name = "scoring"

urlpatterns = [
    # -- activities, ledger, cards, tallies --
    path("branches/<int:pk>/activities/", views.activity_list, name="activity-list"),
    path("branches/<int:pk>/activities/add/", views.activity_add, name="activity-add"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("units/<int:pk>/trainings/", views_trainings.training_list, name="training-list"),
    path("units/<int:pk>/trainings/add/", views_trainings.training_add, name="training-add"),
    path("trainings/<int:pk>/", views_trainings.training_detail, name="training-detail"),
    path("entries/<int:pk>/correct/", views.entry_correct, name="entry-correct"),
    path("members/<int:pk>/card/", views.points_card, name="points-card"),
    path("members/<int:pk>/card.pdf", views.points_card_pdf, name="points-card-pdf"),
    path("my/card/", views.my_card, name="my-card"),
    path("branches/<int:pk>/tallies/", views.tally_list, name="tally-list"),
    path("branches/<int:pk>/cards.pdf", views.branch_cards_pdf, name="branch-cards-pdf"),
    path("branches/<int:pk>/tallies/<year:year>/<month:month>/", views.tally, name="tally"),
    path(
        "branches/<int:pk>/tallies/<year:year>/<month:month>/publish/",
        views.tally_publish,
        name="tally-publish",
    ),
    path("public/branches/<int:pk>/tallies/", views.public_tally, name="public-tally"),
    path("units/<int:pk>/tallies/<year:year>/<month:month>/", views.unit_tally, name="unit-tally"),
    path(
        "units/<int:pk>/tallies/<year:year>/<month:month>/publish/",
        views.unit_tally_publish,
        name="unit-tally-publish",
    ),
    path(
        "units/<int:pk>/tallies/<year:year>/<month:month>.xlsx", views.tally_xlsx, name="tally-xlsx"
    ),
    path("districts/<int:pk>/rules/", views.rules, name="rules"),
    path("pledges/<int:pk>/fulfilment/", views.pledge_fulfilment, name="pledge-fulfilment"),
    # -- evaluation --
    path(
        "branches/<int:pk>/evaluations/<year:year>/",
        views_evaluation.branch_board,
        name="evaluation-branch",
    ),
    path(
        "branches/<int:pk>/evaluations/<year:year>/open/",
        views_evaluation.branch_open,
        name="evaluation-open",
    ),
    path(
        "branches/<int:pk>/evaluations/<year:year>/compute/",
        views_evaluation.branch_compute,
        name="evaluation-compute",
    ),
    path(
        "branches/<int:pk>/evaluations/<year:year>/publish/",
        views_evaluation.branch_publish,
        name="evaluation-publish",
    ),
    path(
        "branches/<int:pk>/evaluations/<year:year>/notices.pdf",
        views_evaluation.branch_notices_pdf,
        name="evaluation-notices",
    ),
    path("evaluations/<int:pk>/", views_evaluation.evaluation_detail, name="evaluation-detail"),
    path(
        "evaluations/<int:pk>/self-report/",
        views_evaluation.self_report,
        name="evaluation-self-report",
    ),
    path(
        "evaluations/<int:pk>/ballots/",
        views_evaluation.evaluation_ballots,
        name="evaluation-ballots",
    ),
    path("evaluations/<int:pk>/paper/", views_evaluation.evaluation_paper, name="evaluation-paper"),
    path(
        "evaluations/<int:pk>/assessment/",
        views_evaluation.evaluation_assessment,
        name="evaluation-assessment",
    ),
    path(
        "evaluations/<int:pk>/honour/",
        views_evaluation.evaluation_honour,
        name="evaluation-honour",
    ),
    path(
        "evaluations/<int:pk>/sanction/",
        views_evaluation.evaluation_sanction,
        name="evaluation-sanction",
    ),
    path("evaluations/<int:pk>/notice.pdf", views_evaluation.notice_pdf, name="evaluation-notice"),
    path(
        "districts/<int:pk>/evaluation-rules/<year:year>/",
        views_evaluation.evaluation_rules,
        name="evaluation-rules",
    ),
    path(
        "partners/<int:pk>/evaluations/<year:year>/",
        views_evaluation.employer_results,
        name="evaluation-employer",
    ),
    path(
        "units/<int:pk>/evaluations/<year:year>.xlsx",
        views_evaluation.results_xlsx,
        name="evaluation-xlsx",
    ),
    path("my/evaluation/", views_evaluation.my_evaluation, name="my-evaluation"),
    path(
        "branches/<int:pk>/evaluations/<year:year>/ballots.pdf",
        views_evaluation.ballot_sheets,
        name="evaluation-ballot-sheets",
    ),
    path(
        "public/branches/<int:pk>/evaluations/<year:year>/",
        views_evaluation.public_results,
        name="public-results",
    ),
    # -- dashboards --
    path("units/<int:pk>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    # -- public verification of printed documents (QR codes) --
    path("verify/card/<str:token>/", views.verify_card, name="verify-card"),
    path("verify/notice/<str:token>/", views_evaluation.verify_notice, name="verify-notice"),
]
