"""Agreement pages, under /agreements/.

Views live in two modules: ``views`` (agreements themselves, the health
dashboard, provincial coverage) and ``views_work`` (reviews, prospects,
committees and meetings, representative appointments).
"""

from django.urls import path

from . import views, views_work

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("export.<str:fmt>", views.agreement_export, name="export"),
    path("health/", views.health, name="health"),
    path("coverage/", views.coverage, name="coverage"),
    path("new/", views.agreement_create, name="create"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/state/", views.agreement_state, name="state"),
    path("<int:pk>/renew/", views.agreement_renew, name="renew"),
    path("<int:pk>/amend/", views.agreement_amend, name="amend"),
    path("<int:pk>/downgrade/", views.agreement_downgrade, name="downgrade"),
    path("<int:pk>/parties/", views.party_add, name="party-add"),
    path("<int:pk>/parties/<int:party_pk>/remove/", views.party_remove, name="party-remove"),
    path("<int:pk>/documents/", views.document_add, name="document-add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path(
        "<int:pk>/documents/<int:document_pk>/delete/",
        views.document_delete,
        name="document-delete",
    ),
    path("<int:pk>/obligations/", views.obligation_add, name="obligation-add"),
    path("reviews/", views_work.review_list, name="review-list"),
    path("reviews/new/", views_work.review_create, name="review-create"),
    path("reviews/export.<str:fmt>", views_work.review_list_export, name="review-list-export"),
    path("reviews/<int:pk>/", views_work.review_detail, name="review-detail"),
    path("reviews/<int:pk>/add/", views_work.review_add, name="review-add"),
    path("reviews/<int:pk>/export.<str:fmt>", views_work.review_export, name="review-export"),
    path("reviews/<int:pk>/close/", views_work.review_close, name="review-close"),
    path(
        "reviews/<int:pk>/items/<int:item_pk>/decide/",
        views_work.review_decide,
        name="review-decide",
    ),
    path(
        "reviews/<int:pk>/items/<int:item_pk>/apply/",
        views_work.review_apply,
        name="review-apply",
    ),
    path("prospects/", views_work.prospect_list, name="prospect-list"),
    path("prospects/export.<str:fmt>", views_work.prospect_export, name="prospect-export"),
    path("prospects/new/", views_work.prospect_create, name="prospect-create"),
    path("prospects/<int:pk>/", views_work.prospect_detail, name="prospect-detail"),
    path("committees/", views_work.committee_list, name="committee-list"),
    path("committees/export.<str:fmt>", views_work.committee_export, name="committee-export"),
    path("<int:pk>/committees/new/", views_work.committee_create, name="committee-create"),
    path("committees/<int:pk>/", views_work.committee_detail, name="committee-detail"),
    path("committees/<int:pk>/edit/", views_work.committee_edit, name="committee-edit"),
    path("committees/<int:pk>/members/", views_work.member_add, name="member-add"),
    path("committees/<int:pk>/meetings/new/", views_work.meeting_create, name="meeting-create"),
    path("appointments/", views_work.appointment_list, name="appointment-list"),
    path(
        "appointments/export.<str:fmt>",
        views_work.appointment_export,
        name="appointment-export",
    ),
    path("appointments/new/", views_work.appointment_create, name="appointment-create"),
    path("appointments/<int:pk>/", views_work.appointment_detail, name="appointment-detail"),
    path("appointments/<int:pk>/edit/", views_work.appointment_edit, name="appointment-edit"),
    path("appointments/<int:pk>/revoke/", views_work.appointment_revoke, name="appointment-revoke"),
]
