"""The demo web app: a werkzeug app whose sessions live in a :class:`~mongostore.MongoStore`."""

from __future__ import annotations

from mongostore.demo.app import SESSION_NAME as SESSION_NAME
from mongostore.demo.app import DemoApp as DemoApp
from mongostore.demo.app import create_app as create_app
