from django.urls import include, path

# Applications: each channel keeps its own URL module.
urlpatterns = [
    path("", include("approvals.apply.urls")),  # applicants: apply online, drafts, my applications, files
    path("", include("approvals.desk.urls")),  # approvers and heads: /desk/
    path("", include("approvals.track.urls")),  # anyone: /track/
    path("", include("approvals.window.urls")),  # window clerks: /window/
    path("", include("approvals.documents.urls")),  # the sealed notices and decisions, and their check page
]
