"""Field operations pages, under /fieldops/: the public pilgrim map and its GeoJSON, service
points and the operator's status page, volunteer groups, camps, campaigns and distributions,
the dashboard and the exports."""

from django.urls import path

from . import views

app_name = "fieldops"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("points.geojson", views.points_geojson, name="points-geojson"),
    path("camps.geojson", views.camps_geojson, name="camps-geojson"),
    path("routes/<str:route>.geojson", views.route_geojson, name="route-geojson"),
    path("nearest/", views.nearest, name="nearest"),
    path("points/", views.point_list, name="points"),
    path("points/new/", views.point_create, name="point-create"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/edit/", views.point_edit, name="point-edit"),
    path("points/<int:pk>/status/", views.point_status, name="point-status"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/camps/new/", views.camp_create, name="camp-create"),
    path("camps/", views.camp_list, name="camps"),
    path("camps/<int:pk>/", views.camp_detail, name="camp"),
    path("camps/<int:pk>/decide/", views.camp_decide, name="camp-decide"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path(
        "campaigns/<int:pk>/distributions/new/",
        views.distribution_create,
        name="distribution-create",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("export/<str:what>.<str:format>/", views.export, name="export"),
]
