"""VideoMock from Python: start the server, drive its admin API, judge the client under test.

    from videomock import Server
    with Server(clock="manual") as server:
        admin = server.admin(api_key="sk-test")
        ...
"""
from ._version import __version__
from .admin import Admin, AdminError
from .binary import BinaryNotFound, bundled_binary, find_binary
from .server import Server
from .verdict import ClientMisbehaved, assert_client_behaved

__all__ = ["Admin", "AdminError", "BinaryNotFound", "ClientMisbehaved", "Server", "__version__", "assert_client_behaved",
           "bundled_binary", "find_binary"]
