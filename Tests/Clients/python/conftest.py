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
import sys
import uuid
from pathlib import Path

import pytest
from azure.identity import ClientSecretCredential
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.compute import models as m
from azure.mgmt.resource.resources import ResourceManagementClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rpemu_process import CLIENT_ID, SUBSCRIPTION, TENANT, Rpemu, binary_under_test  # noqa: E402


@pytest.fixture(scope="session")
def rpemu():
    emulator = Rpemu(binary_under_test(), ["--page-size", "2", "--clock-frozen", "--auth", "strict"], "rpemu-pytest-")
    saved = os.environ.get("REQUESTS_CA_BUNDLE")
    # requests prefers REQUESTS_CA_BUNDLE over CURL_CA_BUNDLE and ignores SSL_CERT_FILE: override it.
    os.environ["REQUESTS_CA_BUNDLE"] = emulator.ca
    try:
        yield emulator
    finally:
        emulator.remove()
        if saved is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = saved


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
