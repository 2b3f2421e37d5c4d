"""Routes for parent information letters, included from agreements/urls.py (namespace
"agreements")."""

from django.urls import path

from agreements.letters import views

urlpatterns = [
    # Public: anyone holding the unguessable link of a generic letter of an active version.
    path("letters/<str:token>/", views.letter_public, name="letter-public"),
    path("letters/<str:token>/pdf/", views.letter_public_pdf, name="letter-public-pdf"),
    path("letters/<str:token>/language/<str:language>/", views.letter_public_language, name="letter-public-language"),
    # Directors and privacy officers of either organisation.
    path("versions/<id:version_pk>/letters/", views.version_letters, name="version-letters"),
    path("versions/<id:version_pk>/letters/preview/<str:language>/", views.letter_preview, name="letter-preview"),
    path(
        "versions/<id:version_pk>/letters/preview/<str:language>/pdf/",
        views.letter_preview_pdf,
        name="letter-preview-pdf",
    ),
    path("versions/<id:version_pk>/letters/generate/", views.letter_generate, name="letter-generate"),
    # Personalised paper batch: directors of the sending organisation.
    path("versions/<id:version_pk>/letters/batches/", views.letter_batch_start, name="letter-batch-start"),
    path("letter-batches/<id:pk>/", views.letter_batch, name="letter-batch"),
    path("letter-batches/<id:pk>/download/", views.letter_batch_download, name="letter-batch-download"),
]
