"""Starts the rpemu binary under test and logs an isolated Azure CLI in to it (reference/clients.md §2).

Nothing is installed or built here. `az` is the one beside the Python running pytest (the venv .ci/test prepares,
`$RPEMU_SCRATCH/venv-cli`), or `AZ`; the binary is `RPEMU_BIN` (default `.build/debug/rpemu`). The session starts
one fresh process on free ports with its own data directory:

    rpemu serve --http-port 0 --https-port 0 --data-dir <tmp> --log-level warn --retry-after 0.2
                --page-size 1 --clock-frozen --auth strict --strict-api-versions

`--page-size 1` makes every list of two or more span pages, so `az … list` must follow nextLink; `--clock-frozen`
makes state a function of the moves the tests make (`POST /_emulator/clock`), never of how fast az runs;
`--auth strict` makes every ARM call prove that az's token came from rpemu's own identity plane;
`--strict-api-versions` makes every api-version az sends one rpemu lists (not one served as the newest).

Every az call gets its own environment: an `AZURE_CONFIG_DIR` in a temp dir, `REQUESTS_CA_BUNDLE` and
`SSL_CERT_FILE` pointing at the CA rpemu made (overriding machine-wide values), `AZURE_CORE_INSTANCE_DISCOVERY=false`
(else MSAL asks login.microsoftonline.com), no telemetry, no survey. The set-up is the one docs/clients.md shows:
`az cloud register`, `az cloud set`, `az login --service-principal`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rpemu_process import CLIENT_ID, SUBSCRIPTION, TENANT, Rpemu, binary_under_test  # noqa: E402

AZ_TIMEOUT = 180  # seconds for one az command; a hang (e.g. 30 s polls) fails instead of stalling CI


class AzResult:
    def __init__(self, args: list[str], rc: int, out: str, err: str):
        self.args, self.rc, self.out, self.err = args, rc, out, err

    @property
    def json(self):
        return json.loads(self.out) if self.out.strip() else None

    def __repr__(self) -> str:
        return f"az {' '.join(self.args)}\n  exit {self.rc}\n  stdout: {self.out[-3000:]}\n  stderr: {self.err[-3000:]}"


class Az:
    """Runs the real `az` against rpemu in an isolated profile."""

    def __init__(self, executable: list[str], rpemu: Rpemu, config_dir: Path):
        self.executable, self.rpemu = executable, rpemu
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "ARM_", "IDENTITY_", "MSI_"))}
        self.env.update({
            "AZURE_CONFIG_DIR": str(config_dir),
            "REQUESTS_CA_BUNDLE": rpemu.ca,            # requests (ARM, MSAL): must override the machine's value
            "SSL_CERT_FILE": rpemu.ca,                 # urllib (cloud metadata URL path)
            "AZURE_CORE_INSTANCE_DISCOVERY": "false",  # else MSAL goes to login.microsoftonline.com
            "AZURE_CORE_COLLECT_TELEMETRY": "false",
            "AZURE_CORE_SURVEY_MESSAGE": "false",
            "AZURE_CORE_NO_COLOR": "true",
            "AZURE_CORE_OUTPUT": "json",
            "AZURE_EXTENSION_USE_DYNAMIC_INSTALL": "no",
        })
        self.env.pop("CURL_CA_BUNDLE", None)

    def _popen(self, args: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            [*self.executable, *args, "-o", "json"], env=self.env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def run(self, *args: str) -> AzResult:
        """Any exit code; the caller asserts."""
        proc = self._popen(list(args))
        try:
            out, err = proc.communicate(timeout=AZ_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"az {' '.join(args)} still running after {AZ_TIMEOUT} s:\n{out}\n{err}")
        return AzResult(list(args), proc.returncode, out, err)

    def __call__(self, *args: str):
        """Must exit 0; returns the parsed JSON output."""
        result = self.run(*args)
        assert result.rc == 0, repr(result)
        return result.json

    def lro(self, *args: str, step: float = 5.0):
        """A long-running command on a frozen clock: moves emulated time `step` seconds every 0.25 s of real time
        while az polls (rpemu says Retry-After 0.2), until az exits. Must exit 0; returns the parsed JSON output."""
        done = threading.Event()
        moves: list[float] = []

        def tick():
            while not done.wait(0.25):
                try:
                    self.rpemu.advance(step)
                    moves.append(step)
                except Exception:  # noqa: BLE001 - a failed move shows up as az timing out
                    pass

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            result = self.run(*args)
        finally:
            done.set()
            ticker.join()
        assert result.rc == 0, repr(result)
        return result.json

    def rest(self, method: str, path: str, body: dict | None = None, api_version: str = "2024-11-01"):
        """`az rest` against rpemu's ARM endpoint (az picks the token's resource from the registered cloud)."""
        sep = "&" if "?" in path else "?"
        args = ["rest", "--method", method, "--url", f"{path}{sep}api-version={api_version}"]
        if body is not None:
            args += ["--body", json.dumps(body)]
        return self(*args)


def az_executable() -> list[str]:
    if explicit := os.environ.get("AZ"):
        return [explicit]
    beside = Path(sys.executable).parent / "az"
    if beside.exists():
        return [str(beside)]
    try:
        import azure.cli  # noqa: F401
    except ImportError:
        pytest.exit(
            f"no Azure CLI beside {sys.executable} and AZ is unset: run this suite with the venv .ci/test prepares "
            "($RPEMU_SCRATCH/venv-cli, from Tests/Clients/cli/requirements.txt)", returncode=4,
        )
    return [sys.executable, "-m", "azure.cli"]


@pytest.fixture(scope="session")
def rpemu():
    flags = ["--page-size", "1", "--clock-frozen", "--auth", "strict", "--strict-api-versions"]
    emulator = Rpemu(binary_under_test(), flags, "rpemu-az-")
    try:
        yield emulator
    finally:
        emulator.remove()


@pytest.fixture(scope="session")
def az_profile(rpemu):
    """A logged-in az: `(az, outputs of cloud register, cloud set and login)`."""
    config_dir = Path(tempfile.mkdtemp(prefix="azcfg-"))
    az = Az(az_executable(), rpemu, config_dir)
    try:
        steps = {
            "register": az("cloud", "register", "--name", "rpemu", "--endpoint-resource-manager", rpemu.endpoint + "/"),
            "set": az("cloud", "set", "--name", "rpemu"),
            "login": az("login", "--service-principal", "-u", CLIENT_ID, "-p", "any-secret", "--tenant", TENANT),
        }
        yield az, steps
    finally:
        shutil.rmtree(config_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def az(az_profile) -> Az:
    return az_profile[0]


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


class World:
    """Sources built through rpemu's REST API with `az rest` (az vm create needs networking rpemu does not
    emulate): a resource group (`az group create`), a standalone disk, and a VM with PV2 and Ultra data disks."""

    def __init__(self, az: Az, rpemu: Rpemu):
        self.az, self.rpemu = az, rpemu

    def resource_group(self, location: str = "eastus") -> str:
        name = unique("azrg")
        group = self.az("group", "create", "--name", name, "--location", location)
        assert group["name"] == name and group["location"] == location
        assert group["properties"]["provisioningState"] == "Succeeded"
        return name

    def compute(self, rg: str) -> str:
        return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{rg}/providers/Microsoft.Compute"

    def disk(self, rg: str, name: str, sku: str = "Premium_LRS", size_gb: int = 8) -> dict:
        body = {"location": "eastus", "sku": {"name": sku},
                "properties": {"creationData": {"createOption": "Empty"}, "diskSizeGB": size_gb}}
        created = self.az.rest("put", f"{self.compute(rg)}/disks/{name}", body, api_version="2025-01-02")
        assert created["name"] == name
        return created

    def vm(self, rg: str, name: str = "vm1", attach: list[str] = ()) -> dict:
        data = [
            {"lun": lun, "createOption": "Empty", "diskSizeGB": size, "managedDisk": {"storageAccountType": sku}}
            for lun, sku, size in [(0, "PremiumV2_LRS", 32), (1, "UltraSSD_LRS", 16)]
        ] + [
            {"lun": 2 + i, "createOption": "Attach", "managedDisk": {"id": disk_id}} for i, disk_id in enumerate(attach)
        ]
        body = {
            "location": "eastus",
            "properties": {
                "hardwareProfile": {"vmSize": "Standard_D2s_v3"},
                "additionalCapabilities": {"ultraSSDEnabled": True},
                "storageProfile": {
                    "imageReference": {"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server",
                                       "version": "latest"},
                    "osDisk": {"createOption": "FromImage", "managedDisk": {"storageAccountType": "Premium_LRS"}},
                    "dataDisks": data,
                },
                "osProfile": {"computerName": name, "adminUsername": "azureuser", "adminPassword": "secret-Pa55!"},
            },
        }
        created = self.az.rest("put", f"{self.compute(rg)}/virtualMachines/{name}", body)
        assert created["properties"]["provisioningState"] == "Creating"
        self.rpemu.advance(5)  # timings.resourceCreate is 2 s
        vm = self.az("vm", "show", "--resource-group", rg, "--name", name)
        assert vm["provisioningState"] == "Succeeded", vm
        return vm


@pytest.fixture
def world(az, rpemu) -> World:
    return World(az, rpemu)


def pytest_report_header(config):
    return f"rpemu binary: {binary_under_test()}; az: {' '.join(az_executable())}"
