from django.urls import path

from hamafza.reports import views_imports

urlpatterns = [
    path("import/", views_imports.import_page, name="import"),
    path(
        "import/<str:kind>/template.<str:fmt>",
        views_imports.import_template,
        name="import-template",
    ),
    path("import/<str:token>/commit/", views_imports.import_commit, name="import-commit"),
]
