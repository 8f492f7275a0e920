"""The portal's settings for the load stack (bench/stack.py), with /bench/bare/ in front of its URLs."""

from portal.settings import *  # noqa: F401,F403

ROOT_URLCONF = "load_urls"
