"""The rpemu process both client suites run against: started from the binary under test on free ports with its own
data directory, its HTTPS endpoint and CA, its control plane and its clock. Shared by python/conftest.py and
cli/conftest.py (each puts this directory on sys.path); nothing is built here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
TENANT = "00000000-0000-0000-0000-0000000000aa"
CLIENT_ID = "44444444-4444-4444-4444-444444444444"
LISTENING = re.compile(r"^rpemu: listening (https?)://([^\s:]+):(\d+)$")


class Rpemu:
    """One rpemu process: its endpoints, its CA, its control plane and its clock."""

    def __init__(self, binary: Path, extra: list[str], prefix: str):
        self.data_dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.log_path = self.data_dir / "rpemu.log"
        args = [
            str(binary), "serve", "--http-port", "0", "--https-port", "0", "--data-dir", str(self.data_dir),
            "--log-level", "warn", "--retry-after", "0.2", *extra,
        ]
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.endpoint, self.http_endpoint = self._wait_for_listeners()
        self.ca = str(self.data_dir / "tls" / "ca.pem")
        self._wait_until_ready()

    def _wait_for_listeners(self) -> tuple[str, str]:
        urls: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(urls) < 2:
            if self.process.poll() is not None:
                raise RuntimeError(f"rpemu exited with {self.process.returncode}:\n{self.log()}")
            for line in self.log().splitlines():
                if match := LISTENING.match(line.strip()):
                    urls[match.group(1)] = f"{match.group(1)}://{match.group(2)}:{match.group(3)}"
            time.sleep(0.05)
        if len(urls) < 2:
            raise RuntimeError(f"rpemu did not print both listening lines within 30 s:\n{self.log()}")
        return urls["https"], urls["http"]

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.endpoint + "/_emulator/ready", verify=self.ca, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"rpemu did not become ready within 30 s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        """The control plane (CONTRACT.md §8): plain HTTPS + JSON, no auth."""
        r = requests.request(method, self.endpoint + "/_emulator" + path, json=body, verify=self.ca, timeout=30)
        assert r.status_code < 300, f"{method} /_emulator{path} -> {r.status_code} {r.text}"
        return r.json() if r.content else {}

    def advance(self, seconds: float) -> list[dict]:
        """Moves emulated time; returns the state changes the move caused."""
        return self.control("POST", "/clock", {"advanceSeconds": seconds}).get("changes", [])

    def now(self) -> str:
        return self.control("GET", "/clock")["now"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()

    def remove(self) -> None:
        """Stops the process and deletes its data directory, unless RPEMU_KEEP_DATA=1 keeps it for a post-mortem."""
        self.stop()
        if os.environ.get("RPEMU_KEEP_DATA") != "1":
            shutil.rmtree(self.data_dir, ignore_errors=True)


def binary_under_test() -> Path:
    """`RPEMU_BIN` (default `.build/debug/rpemu` under the repository root), which must exist."""
    path = Path(os.environ.get("RPEMU_BIN", ROOT / ".build" / "debug" / "rpemu"))
    if not path.is_absolute():
        path = ROOT / path
    if not os.access(path, os.X_OK):
        pytest.exit(f"RPEMU_BIN={path} is not an executable rpemu binary: build it first (swift build)", returncode=4)
    return path
