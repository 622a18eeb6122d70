from django.urls import path

from helpdesk import (
    views,
    views_joining,
    views_public,
    views_reports,
    views_rules,
    views_selection,
)

app_name = "helpdesk"

urlpatterns = [
    # -- public, no log-in --
    path("ask/", views_public.ask, name="ask"),
    path("ask/<int:pk>/", views_public.ask_form, name="ask-form"),
    path("track/", views_public.track, name="track"),
    path("track/<code:code>/", views_public.request_status, name="request-status"),
    path("verify/<code:code>/", views_public.verify_badge, name="verify-badge"),
    path(
        "excellent-volunteers/<int:pk>/<year:year>/",
        views_public.excellent_public,
        name="excellent-public",
    ),
    # -- requests and dispatch --
    path("board/", views.board, name="board"),
    path("requests/add/", views.request_add, name="request-add"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/dispatch/", views.request_dispatch, name="request-dispatch"),
    path("requests/<int:pk>/on-site/", views.request_on_site, name="request-on-site"),
    path("requests/<int:pk>/resolve/", views.request_resolve, name="request-resolve"),
    path("requests/<int:pk>/close/", views.request_close, name="request-close"),
    # -- units, teams, volunteers, logs --
    path("units/<int:pk>/", views.unit_overview, name="unit"),
    path(
        "units/<int:pk>/grids-without-team/",
        views.grids_without_team,
        name="grids-without-team",
    ),
    path("units/<int:pk>/volunteers/", views.volunteer_list, name="volunteer-list"),
    path("branches/<int:pk>/volunteers/add/", views.volunteer_add, name="volunteer-add"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer-detail"),
    path("volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer-edit"),
    path("my/", views.my_volunteer, name="my-volunteer"),
    # -- joining the pool --
    path("apply/", views_joining.apply, name="apply"),
    path("applications/<int:pk>/", views_joining.application, name="application"),
    path("districts/<int:pk>/conduct/", views_joining.conduct, name="conduct"),
    # -- the year's excellent volunteers, selected --
    path(
        "towns/<int:pk>/excellent/<year:year>/proposals/",
        views_selection.excellent_proposals,
        name="excellent-proposals",
    ),
    path(
        "districts/<int:pk>/excellent/<year:year>/selection/",
        views_selection.excellent_selection,
        name="excellent-selection",
    ),
    path("grids/<int:pk>/team/", views.team_edit, name="team-edit"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("teams/<int:pk>/logs/add/", views.log_add, name="log-add"),
    path("logs/<int:pk>/", views.log_detail, name="log-detail"),
    path("logs/<int:pk>/correct/", views.log_correct, name="log-correct"),
    # -- reports and prints --
    path(
        "units/<int:pk>/logs/<year:year>/<month:month>/",
        views_reports.month_report,
        name="month-report",
    ),
    path(
        "units/<int:pk>/logs/<year:year>/<month:month>.xlsx",
        views_reports.month_report_xlsx,
        name="month-report-xlsx",
    ),
    path(
        "units/<int:pk>/logs/<year:year>/<month:month>.pdf",
        views_reports.month_report_pdf,
        name="month-report-pdf",
    ),
    path("units/<int:pk>/excellent/<year:year>/", views_reports.excellent, name="excellent"),
    path(
        "units/<int:pk>/excellent/<year:year>.xlsx",
        views_reports.excellent_xlsx,
        name="excellent-xlsx",
    ),
    path(
        "districts/<int:pk>/excellence-rule/<year:year>/",
        views_reports.excellence_rule,
        name="excellence-rule",
    ),
    path("districts/<int:pk>/response-rule/", views_rules.response_rule, name="response-rule"),
    path("volunteers/<int:pk>/badge.pdf", views_reports.badge, name="badge"),
    path("teams/<int:pk>/card.pdf", views_reports.team_card, name="team-card"),
    path("teams/<int:pk>/log-sheet.pdf", views_reports.log_sheet, name="log-sheet"),
    path("units/<int:pk>/badges.pdf", views_reports.unit_badges, name="unit-badges"),
    path("units/<int:pk>/cards.pdf", views_reports.unit_cards, name="unit-cards"),
    path(
        "units/<int:pk>/badge-sheets.pdf",
        views_reports.unit_badge_sheets,
        name="unit-badge-sheets",
    ),
    path("units/<int:pk>/card-sheets.pdf", views_reports.unit_card_sheets, name="unit-card-sheets"),
]
