"""``flask.session`` backed by a MongoStore, readable by Go services with the same keys.

Needs the ``flask`` extra (``pip install 'mongostore[flask]'``); importing
:mod:`mongostore` itself never imports Flask.
"""

from __future__ import annotations

from mongostore.flask.interface import MongoSession as MongoSession
from mongostore.flask.interface import MongoSessionInterface as MongoSessionInterface
from mongostore.flask.interface import NotAMongoSessionError as NotAMongoSessionError
from mongostore.flask.interface import init_app as init_app
from mongostore.flask.interface import regenerate as regenerate
