"""Fixtures of the production tests: the local S3 server and the people of a committee."""

from tests.s3 import s3_bucket, s3_endpoint  # noqa: F401
from tests.web import committee, member, outsider, secretary  # noqa: F401
