"""The `az restore-point` command group (Azure CLI 2.91.0, unmodified) against rpemu (CONTRACT.md §2–§5).

Every state change is caused by moving rpemu's frozen clock (`POST /_emulator/clock`), never by sleeping; during a
long-running command the clock is moved while az polls (`Az.lro`).
"""

from __future__ import annotations

import re
import time

from conftest import SUBSCRIPTION

IA = {"PremiumV2_LRS", "UltraSSD_LRS"}


def drp_states(rp: dict) -> dict[str, str]:
    """Source disk name → snapshotAccessState, from `--instance-view` (DRP names are `{disk}_{guid}`)."""
    return {
        d["id"].rsplit("/", 1)[1].rsplit("_", 1)[0]: d["snapshotAccessState"]
        for d in rp["instanceView"].get("diskRestorePoints") or []
    }


def names(items: list[dict]) -> set[str]:
    return {i["name"] for i in items}


def test_collection_create_show_list_and_delete(world, az, rpemu):
    rg = world.resource_group()
    vm = world.vm(rg)

    ia = az("restore-point", "collection", "create", "-g", rg, "--collection-name", "rpc-ia",
            "--source-id", vm["id"], "--location", "eastus", "--instant-access", "true")
    assert ia["name"] == "rpc-ia" and ia["location"] == "eastus"
    assert ia["provisioningState"] == "Succeeded"
    assert ia["instantAccess"] is True
    assert ia["source"]["id"].lower() == vm["id"].lower() and ia["source"]["location"] == "eastus"
    assert ia["restorePointCollectionId"]

    # No --location: az first reads the resource group (GET …/resourcegroups/{rg}, lower case) for its location.
    plain = az("restore-point", "collection", "create", "-g", rg, "--collection-name", "rpc-plain",
               "--source-id", vm["id"])
    assert plain["location"] == "eastus"
    assert plain.get("instantAccess") in (False, None)

    shown = az("restore-point", "collection", "show", "-g", rg, "--collection-name", "rpc-ia")
    assert shown["id"] == ia["id"] and shown["instantAccess"] is True
    assert "restorePoints" not in shown
    expanded = az("restore-point", "collection", "show", "-g", rg, "--collection-name", "rpc-ia", "--restore-points")
    assert expanded["restorePoints"] == []

    # --page-size 1: the first page holds one collection and a nextLink, which az follows.
    page = az.rest("get", f"{world.compute(rg)}/restorePointCollections", api_version="2025-04-01")
    assert len(page["value"]) == 1 and page["nextLink"].startswith(rpemu.endpoint + "/")
    assert names(az("restore-point", "collection", "list", "-g", rg)) == {"rpc-ia", "rpc-plain"}
    # az's own paging (--max-items, then --next-token): the token carries rpemu's nextLink back to it.
    first = az.run("restore-point", "collection", "list", "-g", rg, "--max-items", "1")
    assert first.rc == 0 and len(first.json) == 1, repr(first)
    token = re.search(r"Token of next page: (\S+)", first.err)
    assert token, repr(first)
    rest = az("restore-point", "collection", "list", "-g", rg, "--max-items", "10", "--next-token", token.group(1))
    assert names(first.json) | names(rest) == {"rpc-ia", "rpc-plain"} and len(rest) == 1
    everywhere = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Compute/restorePointCollections"
    assert "nextLink" in az.rest("get", everywhere, api_version="2025-04-01")
    everything = az("restore-point", "collection", "list-all")
    assert {"rpc-ia", "rpc-plain"} <= names(everything)
    assert {c["id"] for c in everything} >= {ia["id"], plain["id"]}

    az.lro("restore-point", "collection", "delete", "-g", rg, "--collection-name", "rpc-plain", "--yes")
    gone = az.run("restore-point", "collection", "show", "-g", rg, "--collection-name", "rpc-plain")
    assert gone.rc == 3, repr(gone)
    assert "ResourceNotFound" in gone.err
    assert names(az("restore-point", "collection", "list", "-g", rg)) == {"rpc-ia"}
    assert "rpc-plain" not in names(az("restore-point", "collection", "list-all"))


def test_restore_point_life_cycle_with_instant_access(world, az, rpemu):
    rg = world.resource_group()
    extra = world.disk(rg, "extra")
    vm = world.vm(rg, attach=[extra["id"]])
    az("restore-point", "collection", "create", "-g", rg, "--collection-name", "rpc1",
       "--source-id", vm["id"], "--location", "eastus", "--instant-access", "true")

    started = time.monotonic()
    rp = az.lro("restore-point", "create", "-g", rg, "--collection-name", "rpc1", "-n", "rp1",
                "--instant-access-duration-minutes", "120", "--exclude-disks", extra["id"])
    # rpemu sends Retry-After 0.2; az's default without it is 30 s per poll (reference/clients.md §3).
    assert time.monotonic() - started < 25
    assert rp["name"] == "rp1" and rp["provisioningState"] == "Succeeded"
    assert rp["instantAccessDurationMinutes"] == 120
    assert rp["consistencyMode"] == "FileSystemConsistent"  # a Linux VM, no consistencyMode given
    assert [d["id"].lower() for d in rp["excludeDisks"]] == [extra["id"].lower()]
    meta = rp["sourceMetadata"]
    assert meta["vmId"] == vm["vmId"]
    disks = meta["storageProfile"]["dataDisks"]
    assert {d["managedDisk"]["storageAccountType"] for d in disks} == IA  # the excluded disk is absent
    assert all(d["name"] != "extra" for d in disks)
    for d in [*disks, meta["storageProfile"]["osDisk"]]:
        drp = d["diskRestorePoint"]["id"]
        assert drp.startswith(rp["id"] + "/diskRestorePoints/" + d["name"] + "_")

    shown = az("restore-point", "show", "-g", rg, "--collection-name", "rpc1", "-n", "rp1")
    assert shown["id"] == rp["id"] and shown["provisioningState"] == "Succeeded"
    assert "instanceView" not in shown
    listed = az("restore-point", "collection", "show", "-g", rg, "--collection-name", "rpc1", "--restore-points")
    assert [r["name"] for r in listed["restorePoints"]] == ["rp1"]

    def view() -> dict[str, str]:
        return drp_states(az("restore-point", "show", "-g", rg, "--collection-name", "rpc1", "-n", "rp1",
                             "--instance-view"))

    pv2, ultra = "vm1_DataDisk_0", "vm1_DataDisk_1"
    # Just created: both IA disks are InstantAccess while their background copies run (32 GiB and 16 GiB at
    # 25 MiB/s: 21 min 51 s and 10 min 55 s); the Premium SSD OS disk's DRP is not listed (CONTRACT.md §4.3).
    first = az("restore-point", "show", "-g", rg, "--collection-name", "rpc1", "-n", "rp1", "--instance-view")
    assert drp_states(first) == {pv2: "InstantAccess", ultra: "InstantAccess"}
    for d in first["instanceView"]["diskRestorePoints"]:
        assert d["replicationStatus"]["status"]["code"] == "ReplicationState/replicating"

    changes = rpemu.advance(15 * 60)
    assert any(c["resource"].rsplit("/", 1)[1].startswith(ultra + "_") and c["to"] == "AvailableWithInstantAccess"
               for c in changes), changes
    assert view() == {pv2: "InstantAccess", ultra: "AvailableWithInstantAccess"}

    rpemu.advance(15 * 60)
    assert view() == {pv2: "AvailableWithInstantAccess", ultra: "AvailableWithInstantAccess"}

    rpemu.advance(95 * 60)  # past timeCreated + 120 min: instant access is over
    done = az("restore-point", "show", "-g", rg, "--collection-name", "rpc1", "-n", "rp1", "--instance-view")
    assert drp_states(done) == {pv2: "Available", ultra: "Available"}
    for d in done["instanceView"]["diskRestorePoints"]:
        assert d["replicationStatus"]["status"]["code"] == "ReplicationState/succeeded"
        assert d["replicationStatus"]["completionPercent"] == 100

    az.lro("restore-point", "delete", "-g", rg, "--collection-name", "rpc1", "-n", "rp1", "--yes")
    gone = az.run("restore-point", "show", "-g", rg, "--collection-name", "rpc1", "-n", "rp1")
    assert gone.rc == 3 and "ResourceNotFound" in gone.err, repr(gone)
    assert az("restore-point", "collection", "show", "-g", rg, "--collection-name", "rpc1",
              "--restore-points")["restorePoints"] == []

    az.lro("restore-point", "collection", "delete", "-g", rg, "--collection-name", "rpc1", "--yes")
    gone = az.run("restore-point", "collection", "show", "-g", rg, "--collection-name", "rpc1")
    assert gone.rc == 3 and "ResourceNotFound" in gone.err, repr(gone)


def test_refusals_exit_codes_and_messages(world, az, rpemu):
    rg = world.resource_group()
    vm = world.vm(rg)
    az("restore-point", "collection", "create", "-g", rg, "--collection-name", "rpc1",
       "--source-id", vm["id"], "--location", "eastus", "--instant-access", "true")

    # CONTRACT.md §7 rule 6: 60–300 minutes. az prints the ARM error and exits 1.
    short = az.run("restore-point", "create", "-g", rg, "--collection-name", "rpc1", "-n", "rp-short",
                   "--instant-access-duration-minutes", "30")
    assert short.rc == 1, repr(short)
    assert "(InvalidParameter)" in short.err and "instantAccessDurationMinutes" in short.err
    assert short.out.strip() == ""

    # Rule 5: excludeDisks names a disk the VM does not have.
    stray = world.disk(rg, "stray")
    wrong = az.run("restore-point", "create", "-g", rg, "--collection-name", "rpc1", "-n", "rp-wrong",
                   "--exclude-disks", stray["id"])
    assert wrong.rc == 1 and "(InvalidParameter)" in wrong.err and "excludeDisks" in wrong.err, repr(wrong)

    # Unknown source VM for a collection.
    ghost = vm["id"].rsplit("/", 1)[0] + "/ghost"
    bad = az.run("restore-point", "collection", "create", "-g", rg, "--collection-name", "rpc-ghost",
                 "--source-id", ghost, "--location", "eastus")
    assert bad.rc == 1 and "(InvalidParameter)" in bad.err, repr(bad)

    # Missing resources: az exits 3.
    missing = az.run("restore-point", "collection", "show", "-g", rg, "--collection-name", "nope")
    assert missing.rc == 3 and "(ResourceNotFound)" in missing.err, repr(missing)
    missing = az.run("restore-point", "show", "-g", rg, "--collection-name", "rpc1", "-n", "nope", "--instance-view")
    assert missing.rc == 3 and "(ResourceNotFound)" in missing.err, repr(missing)
    missing_rg = az.run("restore-point", "collection", "list", "-g", "no-such-group")
    assert missing_rg.rc == 3 and "(ResourceGroupNotFound)" in missing_rg.err, repr(missing_rg)

    # A second PUT on an existing restore point is refused (409); none of the refused ones was made.
    az.lro("restore-point", "create", "-g", rg, "--collection-name", "rpc1", "-n", "rp1")
    again = az.run("restore-point", "create", "-g", rg, "--collection-name", "rpc1", "-n", "rp1")
    assert again.rc == 1 and "(OperationNotAllowed)" in again.err, repr(again)
    listed = az("restore-point", "collection", "show", "-g", rg, "--collection-name", "rpc1", "--restore-points")
    assert [r["name"] for r in listed["restorePoints"]] == ["rp1"]

    # Deleting what is not there is not an error (DELETE answers 204).
    az("restore-point", "delete", "-g", rg, "--collection-name", "rpc1", "-n", "never-made", "--yes")
