"""VideoMock from Python: start the server, drive its admin API, judge the client under test.

    from videomock import Server
    with Server(clock="manual") as server:
        admin = server.admin(api_key="sk-test")
        ...
"""
from .admin import Admin, AdminError
from .server import BinaryNotFound, Server
from .verdict import ClientMisbehaved, assert_client_behaved

__all__ = ["Admin", "AdminError", "BinaryNotFound", "ClientMisbehaved", "Server", "assert_client_behaved"]
__version__ = "1.1.0"
