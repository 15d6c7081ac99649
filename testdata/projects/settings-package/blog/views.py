from django.utils import timezone
from django.views.generic import DetailView, ListView

from .models import Post


class PublishedMixin:
    def get_queryset(self):
        return Post.objects.filter(published_at__lte=timezone.now())


class PostListView(PublishedMixin, ListView):
    paginate_by = 20


class PostDetailView(PublishedMixin, DetailView):
    pass
