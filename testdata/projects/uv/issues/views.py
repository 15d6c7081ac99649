from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from .models import Issue


def issue_list(request):
    state = request.GET.get("state", Issue.State.OPEN)
    issues = Issue.objects.filter(state=state).values("id", "title", "state", "updated")[:100]
    return JsonResponse({"issues": list(issues)})


def issue_detail(request, pk):
    issue = get_object_or_404(Issue.objects.select_related("reporter"), pk=pk)
    return JsonResponse(
        {
            "id": issue.pk,
            "title": issue.title,
            "body": issue.body,
            "state": issue.state,
            "reporter": issue.reporter.get_username(),
            "created": issue.created.isoformat(),
            "updated": issue.updated.isoformat(),
        }
    )
