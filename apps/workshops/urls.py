from django.urls import path

from .views import facilitator, participant

app_name = "workshops"
urlpatterns = [
    # Facilitators: editors of the matrix's team.
    path("m/<slug:slug>/workshops/", facilitator.start, name="start"),
    path("m/<slug:slug>/workshops/<id:pk>/", facilitator.facilitate, name="facilitate"),
    path("m/<slug:slug>/workshops/<id:pk>/live/", facilitator.board_live, name="board_live"),
    path("m/<slug:slug>/workshops/<id:pk>/state/", facilitator.set_state, name="set_state"),
    path("m/<slug:slug>/workshops/<id:pk>/reveal/", facilitator.reveal, name="reveal"),
    path("m/<slug:slug>/workshops/<id:pk>/settle/", facilitator.settle, name="settle"),
    path(
        "m/<slug:slug>/workshops/<id:pk>/settle/preview/",
        facilitator.settle_preview,
        name="settle_preview",
    ),
    path(
        "m/<slug:slug>/workshops/<id:pk>/participants/<id:participant_pk>/remove/",
        facilitator.remove_participant,
        name="remove_participant",
    ),
    path(
        "m/<slug:slug>/workshops/<id:pk>/participants/remove/",
        facilitator.remove_participants,
        name="remove_participants",
    ),
    path(
        "m/<slug:slug>/workshops/<id:pk>/capacity/",
        facilitator.set_capacity,
        name="set_capacity",
    ),
    path(
        "m/<slug:slug>/workshops/<id:pk>/export.<str:fmt>",
        facilitator.export,
        name="export",
    ),
    # Participants: public, scoped by the session's participant token.
    path("w/", participant.join_start, name="join_start"),
    path("w/<str:code>/", participant.join, name="join"),
    path("w/<str:code>/vote/", participant.ballot, name="ballot"),
    path("w/<str:code>/cast/", participant.vote, name="vote"),
    path("w/<str:code>/live/", participant.ballot_live, name="ballot_live"),
]
