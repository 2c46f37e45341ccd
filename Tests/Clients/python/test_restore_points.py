"""The restore point life cycle through azure-mgmt-compute 39.0.0, unmodified (CONTRACT.md §2–§5).

Every state change is caused by moving rpemu's frozen clock (`POST /_emulator/clock`), never by sleeping.
"""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.compute import models as m

from conftest import finish

IA_SKUS = {"PremiumV2_LRS", "UltraSSD_LRS"}


def view_states(rp: m.RestorePoint) -> dict[str, str]:
    """DRP name → snapshotAccessState, from `$expand=instanceView`."""
    return {d.id.rsplit("/", 1)[1]: d.snapshot_access_state for d in rp.instance_view.disk_restore_points or []}


def aggregate(rp: m.RestorePoint) -> str | None:
    # `instantAccessStatus` is not in the SDK's model (it is absent from the GA spec, CONTRACT.md §4.3); the
    # SDK keeps the raw JSON, so read it from there.
    return rp["properties"].get("instantAccessStatus")


def test_restore_point_life_cycle_through_every_access_state(world, rpemu, compute):
    rg = world.resource_group()
    vm = world.vm(rg)
    assert vm.provisioning_state == "Succeeded"
    skus = {d.lun: d.managed_disk.storage_account_type for d in vm.storage_profile.data_disks}
    assert skus == {0: "PremiumV2_LRS", 1: "UltraSSD_LRS"}

    rpc = world.collection(rg, vm)
    assert rpc.provisioning_state == "Succeeded"
    assert rpc.instant_access is True
    assert rpc.source.id.lower() == vm.id.lower() and rpc.source.location == "eastus"

    poller = compute.restore_points.begin_create(
        rg, "rpc1", "rp1",
        m.RestorePoint(
            properties=m.RestorePointProperties(instant_access_duration_minutes=120, consistency_mode="CrashConsistent")
        ),
    )

    # Pending, while creating. The disk restore points do not exist yet (no ids in sourceMetadata, none listed in
    # the instance view or by list_by_restore_point): the restore point's aggregate says Pending.
    creating = compute.restore_points.get(rg, "rpc1", "rp1", expand="instanceView")
    assert creating.provisioning_state == "Creating"
    assert aggregate(creating) == "Pending"
    assert view_states(creating) == {}
    assert list(compute.disk_restore_point.list_by_restore_point(rg, "rpc1", "rp1")) == []

    rp = finish(poller, rpemu, step=5)
    assert rp.provisioning_state == "Succeeded"
    assert rp.consistency_mode == "CrashConsistent"
    assert rp.instant_access_duration_minutes == 120
    assert rp.source_metadata.vm_id == vm.vm_id
    data = rp.source_metadata.storage_profile.data_disks
    assert len(data) == 2 and all(d.disk_restore_point.id for d in data)
    assert rp.source_metadata.storage_profile.os_disk.disk_restore_point.id

    # InstantAccess: the snapshots are taken, their background copies run.
    rp = compute.restore_points.get(rg, "rpc1", "rp1", expand="instanceView")
    states = view_states(rp)
    assert len(states) == 2, "the instance view lists the PV2 and Ultra disk restore points"
    assert set(states.values()) == {"InstantAccess"}
    assert aggregate(rp) == "InstantAccess"
    statuses = [s.code for s in rp.instance_view.statuses or []]
    assert statuses, "the instance view has the restore point's status"

    # AvailableWithInstantAccess: background copies done (32 GiB at 25 MiB/s ≈ 22 min), IA still on.
    changes = rpemu.advance(30 * 60)
    assert any(c.get("to") == "AvailableWithInstantAccess" for c in changes), changes
    rp = compute.restore_points.get(rg, "rpc1", "rp1", expand="instanceView")
    assert set(view_states(rp).values()) == {"AvailableWithInstantAccess"}
    assert aggregate(rp) == "AvailableWithInstantAccess"

    # Available: instantAccessDurationMinutes (120) has passed since creation.
    rpemu.advance(91 * 60)
    rp = compute.restore_points.get(rg, "rpc1", "rp1", expand="instanceView")
    assert set(view_states(rp).values()) == {"Available"}
    assert aggregate(rp) == "Available"

    # The collection shows it with $expand=restorePoints.
    rpc = compute.restore_point_collections.get(rg, "rpc1", expand="restorePoints")
    assert [p.name for p in rpc.restore_points] == ["rp1"]

    # Disk restore points: one per disk (three: two pages of two at --page-size 2), each with its own state.
    drps = list(compute.disk_restore_point.list_by_restore_point(rg, "rpc1", "rp1"))
    assert len(drps) == 3
    disks = {d.id.lower(): d for d in compute.disks.list_by_resource_group(rg)}
    for drp in drps:
        disk = disks[drp.source_resource_id.lower()]
        assert drp.name.startswith(disk.name + "_")
        one = compute.disk_restore_point.get(rg, "rpc1", "rp1", drp.name)
        assert one.id == drp.id
        assert one.snapshot_access_state == "Available"
        assert one.source_unique_id == disk.unique_id
        assert one.family_id
        if disk.sku.name in IA_SKUS:
            assert one.logical_sector_size == 4096

    # Deletes: the restore point, then the collection; both are gone afterwards.
    finish(compute.restore_points.begin_delete(rg, "rpc1", "rp1"), rpemu)
    with pytest.raises(ResourceNotFoundError) as caught:
        compute.restore_points.get(rg, "rpc1", "rp1")
    assert caught.value.error.code == "ResourceNotFound"
    finish(compute.restore_point_collections.begin_delete(rg, "rpc1"), rpemu)
    with pytest.raises(ResourceNotFoundError):
        compute.restore_point_collections.get(rg, "rpc1")
    finish(world.resources.resource_groups.begin_delete(rg), rpemu)
    with pytest.raises(ResourceNotFoundError):
        world.resources.resource_groups.get(rg)


def test_application_consistent_by_default_on_a_collection_without_instant_access(world, rpemu, compute):
    rg = world.resource_group()
    vm = world.vm(rg, data_disks=[(0, "Premium_LRS", 8)])
    world.collection(rg, vm, instant_access=False)
    rp = finish(compute.restore_points.begin_create(rg, "rpc1", "rp1", m.RestorePoint()), rpemu, step=5)
    assert rp.provisioning_state == "Succeeded"
    assert rp.consistency_mode in ("FileSystemConsistent", "ApplicationConsistent")
    drps = list(compute.disk_restore_point.list_by_restore_point(rg, "rpc1", "rp1"))
    assert {d.snapshot_access_state for d in drps} == {"Available"}


def test_excluded_disks_get_no_disk_restore_point(world, rpemu, compute):
    rg = world.resource_group()
    vm = world.vm(rg)
    world.collection(rg, vm)
    ultra = next(d for d in vm.storage_profile.data_disks if d.lun == 1).managed_disk.id
    rp = finish(
        compute.restore_points.begin_create(
            rg, "rpc1", "rp1",
            m.RestorePoint(properties=m.RestorePointProperties(exclude_disks=[m.ApiEntityReference(id=ultra)])),
        ),
        rpemu, step=5,
    )
    assert [d.managed_disk.id.lower() for d in rp.source_metadata.storage_profile.data_disks] == [
        next(d for d in vm.storage_profile.data_disks if d.lun == 0).managed_disk.id.lower()
    ]
    assert len(list(compute.disk_restore_point.list_by_restore_point(rg, "rpc1", "rp1"))) == 2


def test_collections_list_and_list_all_across_pages(world, compute):
    rg = world.resource_group()
    vm = world.vm(rg, data_disks=[])
    names = {f"rpc{i}" for i in range(5)}
    for name in names:
        world.collection(rg, vm, name=name, instant_access=False)
    listed = compute.restore_point_collections.list(rg)
    pages = list(listed.by_page())
    assert len(pages) == 3, "five collections at --page-size 2 are three pages"
    assert {c.name for page in pages for c in page} == names
    other = world.resource_group()
    vm2 = world.vm(other, data_disks=[])
    world.collection(other, vm2, name="elsewhere", instant_access=False)
    everything = {(c.id.split("/")[4].lower(), c.name) for c in compute.restore_point_collections.list_all()}
    assert {(rg.lower(), n) for n in names} | {(other.lower(), "elsewhere")} <= everything


def test_cross_region_copy(world, rpemu, compute):
    rg = world.resource_group()
    vm = world.vm(rg, data_disks=[(0, "PremiumV2_LRS", 4)])
    source_rpc = world.collection(rg, vm)
    source = finish(
        compute.restore_points.begin_create(
            rg, "rpc1", "rp1",
            m.RestorePoint(properties=m.RestorePointProperties(consistency_mode="CrashConsistent")),
        ),
        rpemu, step=5,
    )
    rpemu.advance(10 * 60)  # 4 GiB copy done: AvailableWithInstantAccess allows a copy

    target = compute.restore_point_collections.create_or_update(
        rg, "rpc-west",
        m.RestorePointCollection(
            location="westus",
            properties=m.RestorePointCollectionProperties(
                source=m.RestorePointCollectionSourceProperties(id=source_rpc.id)
            ),
        ),
    )
    assert target.location == "westus"
    assert target.source.id.lower() == source_rpc.id.lower()

    copy = finish(
        compute.restore_points.begin_create(
            rg, "rpc-west", "rp1-copy",
            m.RestorePoint(
                properties=m.RestorePointProperties(source_restore_point=m.ApiEntityReference(id=source.id))
            ),
        ),
        rpemu, step=5,
    )
    assert copy.provisioning_state == "Succeeded"
    assert copy.source_restore_point.id.lower() == source.id.lower()
    assert copy.time_created == source.time_created
    assert copy.consistency_mode == "CrashConsistent"
    assert copy.source_metadata.location == "eastus"

    replicating = compute.restore_points.get(rg, "rpc-west", "rp1-copy", expand="instanceView")
    views = replicating.instance_view.disk_restore_points
    assert len(views) == 2, "every disk restore point of a copy is listed"
    assert {v.snapshot_access_state for v in views} == {"Pending"}
    assert {v.replication_status.status.code for v in views} == {"ReplicationState/replicating"}

    rpemu.advance(6 * 3600)
    done = compute.restore_points.get(rg, "rpc-west", "rp1-copy", expand="instanceView")
    views = done.instance_view.disk_restore_points
    assert {v.snapshot_access_state for v in views} == {"Available"}
    assert {v.replication_status.completion_percent for v in views} == {100}
    assert {v.replication_status.status.code for v in views} == {"ReplicationState/succeeded"}
    copies = list(compute.disk_restore_point.list_by_restore_point(rg, "rpc-west", "rp1-copy"))
    assert len(copies) == 2
    assert all(d.source_resource_location == "eastus" for d in copies)


def test_collection_patch_and_expand_without_restore_points(world, compute):
    rg = world.resource_group()
    vm = world.vm(rg, data_disks=[])
    world.collection(rg, vm, instant_access=False)
    empty = compute.restore_point_collections.get(rg, "rpc1", expand="restorePoints")
    assert empty.restore_points == []
    patched = compute.restore_point_collections.update(
        rg, "rpc1",
        m.RestorePointCollectionUpdate(
            tags={"team": "backup"}, properties=m.RestorePointCollectionProperties(instant_access=True)
        ),
    )
    assert patched.tags == {"team": "backup"}
    assert patched.instant_access is True
    assert compute.restore_point_collections.get(rg, "rpc1").tags == {"team": "backup"}
    groups = {g.name for g in world.resources.resource_groups.list()}
    assert rg in groups
