enum EmulatorAppNamespace {}
