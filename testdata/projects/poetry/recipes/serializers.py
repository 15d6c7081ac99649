from rest_framework import serializers

from .models import Ingredient, Recipe


class IngredientSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ingredient
        fields = ["id", "name"]


class RecipeSerializer(serializers.ModelSerializer):
    ingredients = serializers.SlugRelatedField(
        many=True, slug_field="name", queryset=Ingredient.objects.all()
    )

    class Meta:
        model = Recipe
        fields = ["id", "title", "instructions", "minutes", "ingredients", "created"]
        read_only_fields = ["created"]
