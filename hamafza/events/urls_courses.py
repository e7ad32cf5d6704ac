"""Course pages (views_courses.py), under the ``events:`` namespace."""

from django.urls import path

from hamafza.events import views_courses

urlpatterns = [
    path("courses/", views_courses.course_list, name="courses"),
    path("courses/new/", views_courses.course_create, name="course-create"),
    path("<int:pk>/course/", views_courses.course_detail, name="course"),
    path("<int:pk>/course/enrol/", views_courses.course_enrol, name="course-enrol"),
    path(
        "<int:pk>/course/enrolments.<str:fmt>",
        views_courses.enrolment_export,
        name="course-enrolments-export",
    ),
    path("<int:pk>/course/close/", views_courses.course_close, name="course-close"),
    path(
        "<int:pk>/course/sessions/<int:number>/attendance/",
        views_courses.course_attendance,
        name="course-attendance",
    ),
    path("enrolments/<int:pk>/decide/", views_courses.enrolment_decide, name="enrolment-decide"),
    path("enrolments/<int:pk>/certificate.pdf", views_courses.certificate, name="certificate"),
]
