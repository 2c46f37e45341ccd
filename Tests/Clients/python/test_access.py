"""Grant/revoke read access to a disk restore point and restore a disk from one (CONTRACT.md §5.3, §5.4)."""

from __future__ import annotations

import pytest
import requests
from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute import models as m

from conftest import finish

GIB = 1024**3


@pytest.fixture
def restore_point(world, rpemu, compute):
    """A resource group with an IA restore point of a VM with a 4 GiB PV2 disk, still in InstantAccess.
    Returns (rg, the PV2 disk's DRP name, the OS disk's DRP name)."""
    rg = world.resource_group()
    world.collection(rg, world.vm(rg, data_disks=[(0, "PremiumV2_LRS", 4)]))
    finish(
        compute.restore_points.begin_create(
            rg, "rpc1", "rp1", m.RestorePoint(properties=m.RestorePointProperties(instant_access_duration_minutes=60))
        ),
        rpemu, step=5,
    )
    drps = {d.name: d for d in compute.disk_restore_point.list_by_restore_point(rg, "rpc1", "rp1")}
    pv2 = next(n for n in drps if n.startswith("vm1_DataDisk_0_"))
    os_disk = next(n for n in drps if n.startswith("vm1_OsDisk_1_"))
    return rg, pv2, os_disk


def test_grant_download_and_revoke(restore_point, rpemu, compute):
    rg, pv2, _ = restore_point
    # InstantAccess allows restores, not downloads.
    with pytest.raises(HttpResponseError) as caught:
        compute.disk_restore_point.begin_grant_access(
            rg, "rpc1", "rp1", pv2, m.GrantAccessData(access="Read", duration_in_seconds=3600)
        )
    assert (caught.value.status_code, caught.value.error.code) == (409, "OperationNotAllowed")

    rpemu.advance(10 * 60)  # background copy of 4 GiB done: AvailableWithInstantAccess
    assert compute.disk_restore_point.get(rg, "rpc1", "rp1", pv2).snapshot_access_state == "AvailableWithInstantAccess"
    access = finish(
        compute.disk_restore_point.begin_grant_access(
            rg, "rpc1", "rp1", pv2, m.GrantAccessData(access="Read", duration_in_seconds=3600)
        ),
        rpemu,
    )
    assert access.access_sas.startswith(rpemu.endpoint + "/_emulator/sas/")
    head = requests.head(access.access_sas)
    assert head.status_code == 200
    assert int(head.headers["Content-Length"]) == 4 * GIB
    first = requests.get(access.access_sas, headers={"Range": "bytes=0-511"})
    assert first.status_code == 206 and first.content == b"\0" * 512

    # An active SAS blocks deleting the restore point.
    with pytest.raises(HttpResponseError) as caught:
        compute.restore_points.begin_delete(rg, "rpc1", "rp1")
    assert (caught.value.status_code, caught.value.error.code) == (409, "DiskRestorePointUsedByCustomer")

    assert finish(compute.disk_restore_point.begin_revoke_access(rg, "rpc1", "rp1", pv2), rpemu) is None
    assert requests.head(access.access_sas).status_code == 403
    finish(compute.restore_points.begin_delete(rg, "rpc1", "rp1"), rpemu)


def test_write_access_is_refused(restore_point, rpemu, compute):
    rg, pv2, _ = restore_point
    rpemu.advance(10 * 60)
    with pytest.raises(HttpResponseError) as caught:
        compute.disk_restore_point.begin_grant_access(
            rg, "rpc1", "rp1", pv2, m.GrantAccessData(access="Write", duration_in_seconds=60)
        )
    assert (caught.value.status_code, caught.value.error.code) == (400, "InvalidParameter")


def test_sas_expires_on_the_emulated_clock(restore_point, rpemu, compute):
    rg, _, os_disk = restore_point
    access = finish(
        compute.disk_restore_point.begin_grant_access(
            rg, "rpc1", "rp1", os_disk, m.GrantAccessData(access="Read", duration_in_seconds=600)
        ),
        rpemu,
    )
    assert requests.head(access.access_sas).status_code == 200
    rpemu.advance(601)
    assert requests.head(access.access_sas).status_code == 403


def restore(compute, rg, name, drp_id, sku, size_gb=None):
    return compute.disks.begin_create_or_update(
        rg, name,
        m.Disk(
            location="eastus",
            sku=m.DiskSku(name=sku),
            properties=m.DiskProperties(
                creation_data=m.CreationData(create_option="Restore", source_resource_id=drp_id),
                disk_size_gb=size_gb,
            ),
        ),
    )


def test_restore_a_disk_from_an_instant_access_snapshot(restore_point, rpemu, compute):
    rg, pv2, _ = restore_point
    drp = compute.disk_restore_point.get(rg, "rpc1", "rp1", pv2)
    assert drp.snapshot_access_state == "InstantAccess"
    disk = finish(restore(compute, rg, "restored", drp.id, "PremiumV2_LRS"), rpemu)
    assert disk.provisioning_state == "Succeeded"
    assert disk.creation_data.create_option == "Restore"
    assert disk.creation_data.source_resource_id.lower() == drp.id.lower()
    assert disk.disk_size_gb == 4
    assert disk.sku.name == "PremiumV2_LRS"
    assert compute.disks.get(rg, "restored").id == disk.id

    # From an IA snapshot only to PV2/Ultra, no larger than the source.
    for sku, size in (("Premium_LRS", None), ("PremiumV2_LRS", 8)):
        with pytest.raises(HttpResponseError) as caught:
            restore(compute, rg, f"bad-{sku.lower()}", drp.id, sku, size)
        assert (caught.value.status_code, caught.value.error.code) == (400, "InvalidParameter")


def test_restore_from_an_available_snapshot_to_any_sku(restore_point, rpemu, compute):
    rg, _, os_disk = restore_point
    drp = compute.disk_restore_point.get(rg, "rpc1", "rp1", os_disk)
    assert drp.snapshot_access_state == "Available"
    disk = finish(restore(compute, rg, "os-copy", drp.id, "StandardSSD_LRS"), rpemu)
    assert disk.disk_size_gb == 127
    assert disk.sku.name == "StandardSSD_LRS"
    finish(compute.disks.begin_delete(rg, "os-copy"), rpemu)
