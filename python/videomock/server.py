"""Starting and stopping the `videomock` binary, or attaching to a server already running."""
import atexit
import os
import signal
import subprocess
import tempfile
import time
from typing import Iterable, List, Optional, Sequence, Union

from .admin import Admin
from .binary import find_binary

PROVIDERS = ("aihubmix", "mixroute", "amux")


class Server:
    """A VideoMock server for tests: started from the binary on a free port, or (`attach`) one that
    is already running. Use it as a context manager, or call `start()` and `stop()`.

    `scenario` is a file path, YAML text, or a list of either; `args` are extra flags."""

    def __init__(self, binary: Optional[str] = None, scenario: Union[str, Sequence[str], None] = None, clock: Optional[str] = None,
                 time_scale: Optional[float] = None, seed: Optional[int] = None, provider: Optional[str] = None,
                 api_keys: Iterable[str] = (), args: Iterable[object] = (), host: str = "127.0.0.1",
                 admin_token: Optional[str] = None) -> None:
        self.binary = binary
        self.scenarios = [] if scenario is None else ([scenario] if isinstance(scenario, str) else list(scenario))
        self.clock = clock
        self.time_scale = time_scale
        self.seed = seed
        self.provider = provider
        self.api_keys = list(api_keys)
        self.args = list(args)
        self.host = host
        self.admin_token = admin_token
        self.url: Optional[str] = None
        self.process: Optional[subprocess.Popen] = None
        #: Where the server's output goes (a file, so that a full pipe never stalls the server).
        self.log_path: Optional[str] = None
        self._files: List[str] = []

    @classmethod
    def attach(cls, url: str, admin_token: Optional[str] = None) -> "Server":
        """A server already running at `url` (for instance $VIDEOMOCK_URL); `stop()` leaves it running."""
        server = cls(admin_token=admin_token)
        server.url = url.rstrip("/")
        return server

    def command(self) -> List[str]:
        command = [find_binary(self.binary), "serve", "--host", self.host, "--port", "0"]
        for scenario in self.scenarios:
            command += ["--scenario", self._scenario_file(scenario)]
        for flag, value in (("--clock", self.clock), ("--time-scale", self.time_scale), ("--seed", self.seed),
                            ("--provider", self.provider), ("--admin-token", self.admin_token)):
            if value is not None:
                command += [flag, str(value)]
        for key in self.api_keys:
            command += ["--api-key", key]
        return command + [str(arg) for arg in self.args]

    def _scenario_file(self, scenario: str) -> str:
        if "\n" not in scenario and os.path.isfile(scenario):
            return scenario
        handle, path = tempfile.mkstemp(prefix="videomock-scenario-", suffix=".yaml")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(scenario)
        self._files.append(path)
        return path

    def start(self, timeout: float = 10) -> "Server":
        """Starts the binary, its output going to `log_path`, and waits for its `listening on` line."""
        if self.url:
            return self
        command = self.command()
        handle, self.log_path = tempfile.mkstemp(prefix="videomock-", suffix=".log")
        with os.fdopen(handle, "wb") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log().splitlines():
                if line.startswith("listening on "):
                    self.url = line[len("listening on "):].strip()
                    return self
            if self.process.poll() is not None:
                break
            time.sleep(0.005)
        self.process.kill()
        self.process.wait()
        self.process = None
        tail = "\n".join(self.log().splitlines()[-20:])
        raise RuntimeError(f"videomock did not start ({' '.join(command)}); its output ({self.log_path}):\n{tail or '(none)'}")

    def log(self) -> str:
        """What the server wrote so far."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as file:
                return file.read()
        except (OSError, TypeError):
            return ""

    def stop(self, timeout: float = 10) -> None:
        """Stops a server this object started: replies in flight finish, then it exits."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            self.url = None
            # The log stays behind only when the server did not exit cleanly.
            if process.returncode == 0 and self.log_path:
                self._files.append(self.log_path)
        for path in self._files:
            try:
                os.remove(path)
            except OSError:
                pass
        self._files = []

    def base_url(self, provider: str = "aihubmix") -> str:
        """What a client of `provider` points at: `http://127.0.0.1:PORT/aihubmix/v1`."""
        if provider not in PROVIDERS:
            raise ValueError(f"provider must be one of {', '.join(PROVIDERS)}, got {provider!r}")
        return f"{self.url}/{provider}/v1"

    def admin(self, api_key: Optional[str] = None) -> Admin:
        """The admin API, scoped to `api_key` when given."""
        return Admin(self.url, api_key=api_key, token=self.admin_token)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
