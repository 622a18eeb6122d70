from django.urls import path

from members import views, views_audit, views_logins, views_roles

app_name = "members"

urlpatterns = [
    path("me/", views.my_file, name="my-file"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/add/", views.unit_add, name="unit-add"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/members/", views.member_list, name="member-list"),
    path("branches/<int:pk>/members/add/", views.member_add, name="member-add"),
    path("branches/<int:pk>/situation/", views.situation_edit, name="situation-edit"),
    path("branches/<int:pk>/needs/", views.need_list, name="need-list"),
    path("branches/<int:pk>/needs/add/", views.need_add, name="need-add"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need-edit"),
    path("branches/<int:pk>/roster/template.xlsx", views.roster_template, name="roster-template"),
    path("branches/<int:pk>/roster/export.xlsx", views.roster_export, name="roster-export"),
    path("branches/<int:pk>/roster/import/", views.roster_import, name="roster-import"),
    path("roster-imports/<int:pk>/", views.roster_preview, name="roster-preview"),
    path("<int:pk>/", views.member_detail, name="member-detail"),
    path("<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("<int:pk>/unexempt/", views.member_unexempt, name="member-unexempt"),
    path("capability-types/", views.capability_list, name="capability-list"),
    path("capability-types/add/", views.capability_add, name="capability-add"),
    path("capability-types/<int:pk>/edit/", views.capability_edit, name="capability-edit"),
    path("partners/", views.partner_list, name="partner-list"),
    path("log-ins/", views_logins.login_failures, name="login-failures"),
    path("branches/<int:pk>/log-ins/", views_logins.branch_logins, name="branch-logins"),
    path("<int:pk>/log-in/", views_logins.member_login, name="member-login"),
    path("<int:pk>/leave/", views_roles.member_leave, name="member-leave"),
    path("units/<int:pk>/roles/", views_roles.unit_roles, name="unit-roles"),
    path("roles/<int:pk>/revoke/", views_roles.role_revoke, name="role-revoke"),
    path("<int:pk>/unlock/", views_logins.login_unlock, name="login-unlock"),
    path("security-events/", views_audit.security_events, name="security-events"),
    path(
        "security-events/export.xlsx",
        views_audit.security_events_xlsx,
        name="security-events-xlsx",
    ),
]
