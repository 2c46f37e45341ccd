enum EmulatorStoreNamespace {}
