# Python 2: an implicit relative import of the sibling module production.py.
from production import *
