from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from .models import Item
from .serializers import ItemSerializer


class ItemViewSet(viewsets.ModelViewSet):
    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    permission_classes = (IsAuthenticated,)

    def get_queryset(self):
        queryset = super(ItemViewSet, self).get_queryset()
        location = self.request.query_params.get('location')
        if location:
            queryset = queryset.filter(location__startswith=location)
        return queryset
