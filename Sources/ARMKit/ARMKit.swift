/// ARM conventions (CONTRACT.md §2, §3, §7): placeholder until the ARMKit files land.
