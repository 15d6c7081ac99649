from django.contrib import admin

from .models import Ingredient, Recipe

admin.site.register(Ingredient)


@admin.register(Recipe)
class RecipeAdmin(admin.ModelAdmin):
    list_display = ("title", "minutes", "created")
    filter_horizontal = ("ingredients",)
