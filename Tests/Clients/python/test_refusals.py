"""Each documented refusal surfaces in the SDK as `HttpResponseError` with the right `error.code` (CONTRACT.md §7)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.compute import models as m

from conftest import finish


def create(compute, rg, rpc, rp, **properties):
    return compute.restore_points.begin_create(
        rg, rpc, rp, m.RestorePoint(properties=m.RestorePointProperties(**properties))
    )


def refused(call) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("minutes", [30, 59, 301])
def test_instant_access_duration_outside_60_to_300_minutes(world, compute, minutes):
    rg = world.resource_group()
    world.collection(rg, world.vm(rg))
    e = refused(lambda: create(compute, rg, "rpc1", "rp1", instant_access_duration_minutes=minutes))
    assert e.status_code == 400
    assert e.error.code == "InvalidParameter"
    assert "instantAccessDurationMinutes" in e.error.message or "instantAccessDurationMinutes" in (e.error.target or "")


def test_a_second_create_on_the_same_vm_while_one_runs(world, rpemu, compute):
    rg = world.resource_group()
    vm = world.vm(rg)
    world.collection(rg, vm)
    world.collection(rg, vm, name="rpc2")
    first = create(compute, rg, "rpc1", "rp1")
    e = refused(lambda: create(compute, rg, "rpc2", "rp2"))
    assert e.status_code == 409
    assert e.error.code == "VMRestorePointClientError"
    assert "concurrent 'Create RestorePoint'" in e.error.message
    assert finish(first, rpemu, step=5).provisioning_state == "Succeeded"
    # Once the first is done, the VM takes the next one.
    assert finish(create(compute, rg, "rpc2", "rp2"), rpemu, step=5).provisioning_state == "Succeeded"


@pytest.mark.parametrize("size", ["Standard_D2s_v6", "Standard_D2as_v7"])
def test_unsupported_vm_sizes_for_premium_v2_and_instant_access(world, compute, size):
    rg = world.resource_group()
    world.collection(rg, world.vm(rg, size=size))
    e = refused(lambda: create(compute, rg, "rpc1", "rp1"))
    assert e.status_code == 400
    assert e.error.code == "OperationNotAllowed"
    assert size in e.error.message


def test_trusted_launch_is_refused_for_instant_access(world, compute):
    rg = world.resource_group()
    vm = world.vm(rg, security_profile=m.SecurityProfile(security_type="TrustedLaunch"))
    world.collection(rg, vm)
    e = refused(lambda: create(compute, rg, "rpc1", "rp1"))
    assert (e.status_code, e.error.code) == (400, "OperationNotAllowed")


def test_consistency_modes_other_than_crash_consistent(world, compute):
    rg = world.resource_group()
    world.collection(rg, world.vm(rg))
    e = refused(lambda: create(compute, rg, "rpc1", "rp1", consistency_mode="ApplicationConsistent"))
    assert (e.status_code, e.error.code) == (400, "InvalidParameter")


def test_excluding_a_disk_that_is_not_attached(world, compute):
    rg = world.resource_group()
    vm = world.vm(rg)
    world.collection(rg, vm)
    stranger = vm.id.rsplit("/virtualMachines/", 1)[0] + "/disks/not-attached"
    e = refused(lambda: create(compute, rg, "rpc1", "rp1", exclude_disks=[m.ApiEntityReference(id=stranger)]))
    assert (e.status_code, e.error.code) == (400, "InvalidParameter")
    assert e.error.target == "excludeDisks"


def test_updating_an_existing_restore_point(world, rpemu, compute):
    rg = world.resource_group()
    world.collection(rg, world.vm(rg))
    finish(create(compute, rg, "rpc1", "rp1"), rpemu, step=5)
    e = refused(lambda: create(compute, rg, "rpc1", "rp1"))
    assert e.status_code == 409
    assert e.error.code == "OperationNotAllowed"


def test_copying_a_restore_point_that_is_not_yet_copyable(world, rpemu, compute):
    rg = world.resource_group()
    vm = world.vm(rg, data_disks=[(0, "PremiumV2_LRS", 64)])
    source_rpc = world.collection(rg, vm)
    source = finish(create(compute, rg, "rpc1", "rp1"), rpemu, step=5)  # InstantAccess: no copy yet
    world.collection(rg, vm, name="rpc-west", location="westus", source_id=source_rpc.id)
    e = refused(
        lambda: create(compute, rg, "rpc-west", "copy", source_restore_point=m.ApiEntityReference(id=source.id))
    )
    assert (e.status_code, e.error.code) == (409, "OperationNotAllowed")
    assert "InstantAccess" in e.error.message


def test_changing_a_collections_location(world, compute):
    rg = world.resource_group()
    vm = world.vm(rg)
    world.collection(rg, vm)
    e = refused(lambda: world.collection(rg, vm, location="westus"))
    assert (e.status_code, e.error.code) == (400, "PropertyChangeNotAllowed")


def test_a_collection_whose_source_does_not_exist(world, compute):
    rg = world.resource_group()
    vm = world.vm(rg)
    e = refused(lambda: world.collection(rg, vm, source_id=vm.id + "-gone"))
    assert (e.status_code, e.error.code) == (400, "InvalidParameter")


def test_missing_resources_are_resource_not_found(world, compute):
    rg = world.resource_group()
    with pytest.raises(ResourceNotFoundError) as caught:
        compute.restore_point_collections.get(rg, "nope")
    assert caught.value.error.code == "ResourceNotFound"
    with pytest.raises(ResourceNotFoundError) as caught:
        compute.restore_points.get("no-such-group", "rpc", "rp")
    assert caught.value.error.code == "ResourceGroupNotFound"
    # Deleting what is not there is not an error (204).
    assert compute.restore_point_collections.begin_delete(rg, "nope").result() is None


def test_resource_exists_error_is_not_raised_for_a_plain_re_put(world, compute):
    # A re-PUT of a collection with the same body is an update (200), never a conflict.
    rg = world.resource_group()
    vm = world.vm(rg)
    first = world.collection(rg, vm)
    try:
        again = world.collection(rg, vm)
    except ResourceExistsError as e:  # pragma: no cover - would be an rpemu bug
        pytest.fail(f"re-PUT refused: {e}")
    assert again.id == first.id
