from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .query import MAX_QUERY, grouped, search


@login_required
@require_safe
def search_page(request):
    text = request.GET.get("q", "").strip()
    hits = search(request.user, text) if text else []
    context = {
        "nav": "search",
        "q": text[:MAX_QUERY],
        "groups": grouped(hits),
        "count": len(hits),
    }
    return render(request, "search/results.html", context)
