"""The validating reverse proxy: live traffic to a real (or any) implementation, held to the contract."""

from mockserver.proxy.app import ProxySettings, create_proxy_app

__all__ = ["ProxySettings", "create_proxy_app"]
