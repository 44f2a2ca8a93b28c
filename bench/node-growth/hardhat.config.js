// Hardhat's defaults: its in-process EDR node, automining switched off by the probe.
export default {};
