"""Starting and stopping the `videomock` binary, or attaching to a server already running."""
import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import time

from .admin import Admin

PROVIDERS = ("aihubmix", "mixroute", "amux")


class BinaryNotFound(RuntimeError):
    """No `videomock` binary to start."""


def find_binary(binary=None):
    """`binary`, else $VIDEOMOCK_BINARY, else `videomock` on PATH."""
    candidate = binary or os.environ.get("VIDEOMOCK_BINARY") or shutil.which("videomock")
    if not candidate or not os.path.isfile(candidate) or not os.access(candidate, os.X_OK):
        raise BinaryNotFound(
            "cannot find the videomock binary"
            + (f" at {candidate}" if candidate else "")
            + ": set VIDEOMOCK_BINARY to its path, put it on PATH (make install in the VideoMock checkout), "
            "or build it there with make build (it lands in .build/release/videomock); "
            "or attach to a running server with VIDEOMOCK_URL")
    return candidate


class Server:
    """A VideoMock server for tests: started from the binary on a free port, or (`attach`) one that
    is already running. Use it as a context manager, or call `start()` and `stop()`.

    `scenario` is a file path, YAML text, or a list of either; `args` are extra flags."""

    def __init__(self, binary=None, scenario=None, clock=None, time_scale=None, seed=None, provider=None, api_keys=(),
                 args=(), host="127.0.0.1", admin_token=None):
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
        self.url = None
        self.process = None
        #: Where the server's output goes (a file, so that a full pipe never stalls the server).
        self.log_path = None
        self._files = []

    @classmethod
    def attach(cls, url, admin_token=None):
        """A server already running at `url` (for instance $VIDEOMOCK_URL); `stop()` leaves it running."""
        server = cls(admin_token=admin_token)
        server.url = url.rstrip("/")
        return server

    def command(self):
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

    def _scenario_file(self, scenario):
        if "\n" not in scenario and os.path.isfile(scenario):
            return scenario
        handle, path = tempfile.mkstemp(prefix="videomock-scenario-", suffix=".yaml")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(scenario)
        self._files.append(path)
        return path

    def start(self, timeout=10):
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

    def log(self):
        """What the server wrote so far."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as file:
                return file.read()
        except (OSError, TypeError):
            return ""

    def stop(self, timeout=10):
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

    def base_url(self, provider="aihubmix"):
        """What a client of `provider` points at: `http://127.0.0.1:PORT/aihubmix/v1`."""
        if provider not in PROVIDERS:
            raise ValueError(f"provider must be one of {', '.join(PROVIDERS)}, got {provider!r}")
        return f"{self.url}/{provider}/v1"

    def admin(self, api_key=None):
        """The admin API, scoped to `api_key` when given."""
        return Admin(self.url, api_key=api_key, token=self.admin_token)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
