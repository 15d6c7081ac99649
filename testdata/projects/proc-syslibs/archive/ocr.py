"""Reads scanned letters: the type from libmagic, pages from poppler, text from tesseract."""
import magic
import pytesseract
from pdf2image import convert_from_path


def text_of(path):
    if magic.from_file(path, mime=True) != "application/pdf":
        return pytesseract.image_to_string(path)
    return "\n".join(pytesseract.image_to_string(page) for page in convert_from_path(path))
