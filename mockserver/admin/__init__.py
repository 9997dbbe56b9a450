"""The /__admin API: inspect and steer the running mock (loopback or token only)."""

from mockserver.admin.app import create_admin_app

__all__ = ["create_admin_app"]
