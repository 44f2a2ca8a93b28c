// The node the market's tests start besides Anvil (`hardhat node`, network "node"), set up as AnvilNode sets up
// Anvil: chain id 31337, a 60 M gas block limit, a zero base fee (fees play no part in the market), the same
// well-known development accounts. Two settings come from the environment because they differ per run:
//   MICROMARKET_GENESIS_UNIX   the genesis block's time (a simulation's chain starts just before its first slot;
//                              a node's clock only moves forward, so a later genesis could not run the scenario)
//   MICROMARKET_BLOCK_SECONDS  mine a block every N seconds (live runs); unset: mine only when asked (evm_mine)
const genesis = process.env.MICROMARKET_GENESIS_UNIX;
const blockSeconds = process.env.MICROMARKET_BLOCK_SECONDS;

export default {
  networks: {
    node: {
      type: "edr-simulated",
      chainId: 31337,
      hardfork: "prague",
      blockGasLimit: 60_000_000,
      initialBaseFeePerGas: 0,
      // A simulation mines every block of one instant (a batch larger than a block) at the same time, as Anvil allows.
      allowBlocksWithSameTimestamp: true,
      ...(genesis ? { initialDate: new Date(Number(genesis) * 1000).toISOString() } : {}),
      mining: blockSeconds ? { auto: false, interval: Number(blockSeconds) * 1000 } : { auto: false, interval: 0 },
    },
  },
};
