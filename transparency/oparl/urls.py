from django.urls import path

from . import views

app_name = "oparl"

urlpatterns = [
    path("", views.system, name="system"),
    path("bodies/", views.body_list, name="body-list"),
    path("bodies/<int:pk>/", views.body, name="body"),
    path("bodies/<int:pk>/organizations/", views.body_organizations, name="body-organizations"),
    path("bodies/<int:pk>/people/", views.body_people, name="body-people"),
    path("bodies/<int:pk>/memberships/", views.body_memberships, name="body-memberships"),
    path("bodies/<int:pk>/meetings/", views.body_meetings, name="body-meetings"),
    path("bodies/<int:pk>/papers/", views.body_papers, name="body-papers"),
    path("bodies/<int:pk>/agenda-items/", views.body_agenda_items, name="body-agenda-items"),
    path("bodies/<int:pk>/files/", views.body_files, name="body-files"),
    path("legislative-terms/<int:pk>/", views.legislative_term, name="legislative-term"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path(
        "organizations/<int:pk>/meetings/",
        views.organization_meetings,
        name="organization-meetings",
    ),
    path("people/<int:pk>/", views.person, name="person"),
    path("memberships/<int:pk>/", views.membership, name="membership"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("agenda-items/<int:pk>/", views.agenda_item, name="agenda-item"),
    path("files/<str:kind>-<int:pk>/", views.file, name="file"),
]
