"""Starts the rpemu binary under test and hands the real Azure Python clients to the tests.

The binary is `RPEMU_BIN` (default `.build/debug/rpemu` under the repository root); nothing is built here. Each
session starts one fresh process on free ports with its own data directory:

    rpemu serve --http-port 0 --https-port 0 --data-dir <tmp> --log-level warn --retry-after 0.2
                --page-size 2 --clock-frozen --auth strict

`--page-size 2` makes every list of three or more span pages; `--clock-frozen` makes state a function of the
moves the tests make (`POST /_emulator/clock`), never of how fast they run; `--auth strict` makes every ARM call
prove that the token came from rpemu's own identity plane. `REQUESTS_CA_BUNDLE` is pointed at the CA rpemu made,
overriding any machine-wide value (docs/clients.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests
from azure.identity import ClientSecretCredential
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.compute import models as m
from azure.mgmt.resource.resources import ResourceManagementClient

ROOT = Path(__file__).resolve().parents[3]
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
TENANT = "00000000-0000-0000-0000-0000000000aa"
CLIENT_ID = "44444444-4444-4444-4444-444444444444"
LISTENING = re.compile(r"^rpemu: listening (https?)://([^\s:]+):(\d+)$")


class Rpemu:
    """One rpemu process: its endpoints, its CA, its control plane, and its clock."""

    def __init__(self, binary: Path, extra: list[str]):
        self.data_dir = Path(tempfile.mkdtemp(prefix="rpemu-pytest-"))
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

    # The control plane (CONTRACT.md §8): plain HTTPS + JSON, no auth.
    def control(self, method: str, path: str, body: dict | None = None) -> dict:
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


def binary_under_test() -> Path:
    path = Path(os.environ.get("RPEMU_BIN", ROOT / ".build" / "debug" / "rpemu"))
    if not path.is_absolute():
        path = ROOT / path
    if not os.access(path, os.X_OK):
        pytest.exit(f"RPEMU_BIN={path} is not an executable rpemu binary: build it first (swift build)", returncode=4)
    return path


@pytest.fixture(scope="session")
def rpemu():
    emulator = Rpemu(binary_under_test(), ["--page-size", "2", "--clock-frozen", "--auth", "strict"])
    saved = os.environ.get("REQUESTS_CA_BUNDLE")
    # requests prefers REQUESTS_CA_BUNDLE over CURL_CA_BUNDLE and ignores SSL_CERT_FILE: override it.
    os.environ["REQUESTS_CA_BUNDLE"] = emulator.ca
    try:
        yield emulator
    finally:
        emulator.stop()
        if saved is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = saved
        if os.environ.get("RPEMU_KEEP_DATA") != "1":
            shutil.rmtree(emulator.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def credential(rpemu):
    """A real azure-identity credential against rpemu's Entra-like token endpoint."""
    return ClientSecretCredential(
        TENANT, CLIENT_ID, "any-secret", authority=rpemu.endpoint, disable_instance_discovery=True
    )


def client_options(rpemu) -> dict:
    return {
        "base_url": rpemu.endpoint,
        "credential_scopes": [rpemu.endpoint + "/.default"],
        "polling_interval": 1,  # only used when a response has no Retry-After; rpemu sends 0.2
    }


@pytest.fixture(scope="session")
def compute(rpemu, credential) -> ComputeManagementClient:
    return ComputeManagementClient(credential, SUBSCRIPTION, **client_options(rpemu))


@pytest.fixture(scope="session")
def resources(rpemu, credential) -> ResourceManagementClient:
    return ResourceManagementClient(credential, SUBSCRIPTION, **client_options(rpemu))


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def finish(poller, rpemu: Rpemu, step: float = 1.0, limit: int = 600):
    """`poller.result()` on a frozen clock: moves emulated time `step` seconds at a time until the operation is
    done (the client polls every 0.2 s of real time, as `Retry-After` says)."""
    for _ in range(limit):
        poller.wait(0.3)
        if poller.done():
            return poller.result()
        rpemu.advance(step)
    raise AssertionError(f"operation not done after {limit} clock steps of {step} s")


class World:
    """Helpers that build the usual sources: a resource group, a VM with PV2 and Ultra data disks, an IA collection."""

    def __init__(self, rpemu: Rpemu, compute: ComputeManagementClient, resources: ResourceManagementClient):
        self.rpemu, self.compute, self.resources = rpemu, compute, resources

    def resource_group(self, location: str = "eastus") -> str:
        name = unique("pyrg")
        group = self.resources.resource_groups.create_or_update(name, {"location": location})
        assert group.name == name and group.location == location
        assert group.properties.provisioning_state == "Succeeded"
        return name

    def vm(self, rg: str, name: str = "vm1", location: str = "eastus", size: str = "Standard_D2s_v3",
           data_disks: list[tuple[int, str, int]] | None = None, **extra) -> m.VirtualMachine:
        disks = [(0, "PremiumV2_LRS", 32), (1, "UltraSSD_LRS", 16)] if data_disks is None else data_disks
        body = m.VirtualMachine(
            location=location,
            properties=m.VirtualMachineProperties(
                hardware_profile=m.HardwareProfile(vm_size=size),
                additional_capabilities=m.AdditionalCapabilities(ultra_ssd_enabled=True),
                storage_profile=m.StorageProfile(
                    image_reference=m.ImageReference(
                        publisher="Canonical", offer="ubuntu-24_04-lts", sku="server", version="latest"
                    ),
                    os_disk=m.OSDisk(
                        create_option="FromImage",
                        managed_disk=m.ManagedDiskParameters(storage_account_type="Premium_LRS"),
                    ),
                    data_disks=[
                        m.DataDisk(
                            lun=lun, create_option="Empty", disk_size_gb=size_gb,
                            managed_disk=m.ManagedDiskParameters(storage_account_type=sku),
                        )
                        for lun, sku, size_gb in disks
                    ],
                ),
                os_profile=m.OSProfile(computer_name=name, admin_username="azureuser", admin_password="secret-Pa55!"),
                **extra,
            ),
        )
        return finish(self.compute.virtual_machines.begin_create_or_update(rg, name, body), self.rpemu)

    def collection(self, rg: str, vm: m.VirtualMachine, name: str = "rpc1", instant_access: bool = True,
                   location: str | None = None, source_id: str | None = None) -> m.RestorePointCollection:
        body = m.RestorePointCollection(
            location=location or vm.location,
            properties=m.RestorePointCollectionProperties(
                source=m.RestorePointCollectionSourceProperties(id=source_id or vm.id), instant_access=instant_access
            ),
        )
        return self.compute.restore_point_collections.create_or_update(rg, name, body)


@pytest.fixture
def world(rpemu, compute, resources) -> World:
    return World(rpemu, compute, resources)


def pytest_report_header(config):
    return f"rpemu binary: {binary_under_test()}"


def dump(model) -> str:
    return json.dumps(model.as_dict(), indent=2, default=str)
