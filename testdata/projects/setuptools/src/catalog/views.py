from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from .models import Product


def product_list(request):
    products = Product.objects.filter(in_stock=True).values("sku", "name", "price")
    return JsonResponse({"products": [{**p, "price": str(p["price"])} for p in products]})


def product_detail(request, sku):
    product = get_object_or_404(Product, sku=sku)
    return JsonResponse(
        {"sku": product.sku, "name": product.name, "price": str(product.price), "in_stock": product.in_stock}
    )
