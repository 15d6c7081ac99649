from django.contrib import admin

from .models import Item


class ItemAdmin(admin.ModelAdmin):
    list_display = ('sku', 'name', 'quantity', 'location')
    search_fields = ('sku', 'name')


admin.site.register(Item, ItemAdmin)
