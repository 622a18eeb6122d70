from django.urls import path

from posts import views, views_documents, views_public, views_reports

app_name = "posts"

urlpatterns = [
    # Town: common post types and their duty menus (设岗)
    path("towns/<int:pk>/types/", views.type_list, name="type-list"),
    path("towns/<int:pk>/types/add/", views.type_add, name="type-add"),
    path("types/<int:pk>/", views.type_detail, name="type-detail"),
    path("types/<int:pk>/edit/", views.type_edit, name="type-edit"),
    path("menu-items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    # Branch: posts, choices (择岗), pledges (亮岗)
    path("branches/<int:pk>/", views.post_list, name="post-list"),
    path("branches/<int:pk>/add/", views.post_add, name="post-add"),
    path("branches/<int:pk>/start-year/", views.start_year, name="start-year"),
    path("members/<int:pk>/exempt/", views.member_exempt, name="member-exempt"),
    path("instructing/", views.instructing, name="instructing"),
    path("<int:pk>/instructor/", views.post_instructor, name="post-instructor"),
    path("choices/<int:pk>/guidance/", views.guidance_add, name="guidance-add"),
    path("branches/<int:pk>/choices/", views.choice_list, name="choice-list"),
    path("branches/<int:pk>/pledges/", views.pledge_list, name="pledge-list"),
    path("<int:pk>/", views.post_detail, name="post-detail"),
    path("<int:pk>/edit/", views.post_edit, name="post-edit"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/recommend/", views.recommend, name="recommend"),
    path("choices/<int:pk>/confirm/", views.choice_confirm, name="choice-confirm"),
    path("choices/<int:pk>/decline/", views.choice_decline, name="choice-decline"),
    path("choices/<int:pk>/withdraw/", views.choice_withdraw, name="choice-withdraw"),
    path("choices/<int:pk>/notice/", views_documents.choice_notice, name="choice-notice"),
    path("pledges/<int:pk>/notice/", views_documents.pledge_notice, name="pledge-notice"),
    path("my/", views.my_posts, name="my-posts"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge-detail"),
    path("pledges/<int:pk>/edit/", views.pledge_edit, name="pledge-edit"),
    path("pledges/<int:pk>/review/", views.pledge_review, name="pledge-review"),
    # Organisers publish (公示)
    path("units/<int:pk>/publish/", views.publish_queue, name="publish-queue"),
    # -- public notice board (公示) --
    path("board/<int:pk>/", views_public.board_page, name="board"),
    path("board/<int:pk>/kiosk/", views_public.board_kiosk, name="board-kiosk"),
    path("board/<int:pk>/sheet.pdf", views_public.board_sheet, name="board-sheet"),
    path("partners/<int:pk>/pledges/", views_public.employer_pledges, name="employer-pledges"),
    # -- certificates and verification --
    path(
        "choices/<int:pk>/certificate.pdf",
        views_documents.post_certificate,
        name="post-certificate",
    ),
    path(
        "pledges/<int:pk>/certificate.pdf",
        views_documents.pledge_certificate,
        name="pledge-certificate",
    ),
    path(
        "branches/<int:pk>/pledges/certificates.pdf",
        views_documents.branch_pledge_certificates,
        name="branch-pledge-certificates",
    ),
    path("<int:pk>/pledge-form.pdf", views_documents.pledge_form, name="pledge-form"),
    path(
        "choices/<int:pk>/pledge-form.pdf",
        views_documents.choice_pledge_form,
        name="choice-pledge-form",
    ),
    path("verify/post/<code:code>/", views_documents.verify_post, name="verify-post"),
    path(
        "verify/pledge/<code:code>/<int:version>/",
        views_documents.verify_pledge,
        name="verify-pledge",
    ),
    # -- ledgers and coverage --
    path("units/<int:pk>/post-ledger.xlsx", views_reports.post_ledger, name="post-ledger"),
    path("units/<int:pk>/pledge-ledger.xlsx", views_reports.pledge_ledger, name="pledge-ledger"),
    path("units/<int:pk>/coverage/", views_reports.coverage, name="coverage"),
]
